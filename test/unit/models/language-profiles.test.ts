import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ModelError } from "../../../src/lib/errors.js";
import { loadCatalog, modelRoles, roleKinds } from "../../../src/models/index.js";
import { pullTargets } from "../../../src/models/pull.js";

const dir = mkdtempSync(join(tmpdir(), "parley-langcat-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const site = (doc: unknown) => {
  const file = join(dir, `c${++n}.json`);
  writeFileSync(file, JSON.stringify(doc));
  return file;
};
const base = { vad: "silero-vad-v5", asrStreaming: "zipformer-en-20m-2023-02-17", asrBatch: "whisper-tiny.en-int8", llm: "qwen2.5-0.5b-instruct-q4_k_m", tts: "piper-en_us-amy-low" };

describe("language profiles in the built-in catalog", () => {
  const catalog = loadCatalog();
  const speaks = (id: string, language: string) => catalog.model(id).languages.some((l) => l === "multi" || l.split("-")[0] === language);

  it.each([
    ["small-de", "de"],
    ["small-fr", "fr"],
    ["small-es", "es"],
  ])("%s: every role is a model of its kind that speaks %s", (name, language) => {
    const { models } = catalog.resolveProfile(name);
    for (const role of modelRoles) {
      expect(models[role].kind).toBe(roleKinds[role]);
      expect(speaks(models[role].id, language), `${name} ${role}: ${models[role].id}`).toBe(true);
    }
  });

  it("multilingual: an agent's language picks its live recogniser and voice; other languages get the base roles", () => {
    const de = catalog.resolveProfile("multilingual", "de-AT");
    expect(de.language).toBe("de");
    expect(de.models.asrStreaming.id).toBe("zipformer-de-kroko-2025-08-06");
    expect(de.models.tts.id).toBe("piper-de_de-thorsten-medium");
    expect(de.models.asrBatch.id).toBe("whisper-small-int8");
    expect(catalog.resolveProfile("multilingual", "fr").models.asrStreaming.id).toBe("zipformer-fr-2023-04-14");
    expect(catalog.resolveProfile("multilingual", "es").models.tts.id).toBe("piper-es_es-davefx-medium");
    const en = catalog.resolveProfile("multilingual", "en-US");
    expect(en.models.asrStreaming.id).toBe("zipformer-en-2023-06-26");
    expect(catalog.resolveProfile("multilingual", "pt-BR").models.tts.id).toBe("piper-en_us-amy-low");
    // Without a language, the base roles; a profile without language entries ignores the language.
    expect(catalog.resolveProfile("multilingual").models.tts.id).toBe("piper-en_us-amy-low");
    expect(catalog.resolveProfile("small", "de").models.tts.id).toBe("piper-en_us-amy-low");
  });

  it("a pull or a bundle of the multilingual profile carries every language's models", () => {
    const ids = catalog.profileModelIds("multilingual");
    for (const id of ["zipformer-en-2023-06-26", "zipformer-de-kroko-2025-08-06", "zipformer-fr-2023-04-14", "zipformer-es-kroko-2025-08-06", "piper-de_de-thorsten-medium", "piper-fr_fr-siwis-medium", "piper-es_es-davefx-medium", "whisper-small-int8"]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(pullTargets(catalog, "multilingual").map((m) => m.id)).toEqual(ids);
    expect(catalog.profilesUsing("piper-de_de-thorsten-medium")).toEqual(["multilingual"]);
    expect(catalog.profileModelIds("nope")).toEqual([]);
  });

  it("multilingual Whisper entries leave the language to the agent (empty: detected)", () => {
    for (const id of ["whisper-tiny-int8", "whisper-base-int8", "whisper-small-int8"]) {
      const m = catalog.model(id);
      expect(m.languages).toEqual(["multi"]);
      expect(m.config.language).toBe("");
    }
  });

  it("states every licence: Piper voices with espeak-ng-data's GPL, Kroko models with their non-commercial terms", () => {
    const piper = catalog.models.filter((m) => m.id.startsWith("piper-") && m.id !== "piper-en_us-amy-low");
    expect(piper.map((m) => m.id).sort()).toEqual(["piper-de_de-thorsten-low", "piper-de_de-thorsten-medium", "piper-es_es-davefx-medium", "piper-fr_fr-siwis-medium"]);
    for (const m of piper) {
      expect(m.license, m.id).toContain("GPL-3.0-or-later");
      expect(m.license, m.id).toContain("MIT");
      expect(m.config.dataDir).toBe("espeak-ng-data");
    }
    for (const id of ["zipformer-de-kroko-2025-08-06", "zipformer-es-kroko-2025-08-06", "zipformer-fr-kroko-2025-08-06"]) {
      expect(catalog.model(id).license).toMatch(/non-commercial/);
      expect(catalog.model(id).config.modelType).toBe("zipformer2");
    }
  });
});

describe("validating language entries", () => {
  const load = (languages: unknown) => loadCatalog({ extra: [site({ version: 1, models: [], profiles: { p: { description: "d", ...base, languages } } })] });
  const error = (languages: unknown): string => {
    try {
      load(languages);
    } catch (err) {
      expect(err).toBeInstanceOf(ModelError);
      return (err as Error).message;
    }
    throw new Error("expected the catalog to be rejected");
  };

  it("accepts entries that override some roles", () => {
    expect(load({ de: { tts: "piper-de_de-thorsten-low" } }).resolveProfile("p", "de").models.tts.id).toBe("piper-de_de-thorsten-low");
  });

  it("names the profile, the language and the role of a bad entry", () => {
    expect(error({ de: { tts: "nowhere" } })).toMatch(/profile 'p': languages\.de\.tts: no model 'nowhere' in any catalog/);
    expect(error({ de: { tts: "whisper-tiny-int8" } })).toMatch(/profile 'p': languages\.de\.tts: 'whisper-tiny-int8' is a asr-batch model, the role needs tts/);
    expect(error({ de: { tts: "piper-fr_fr-siwis-medium" } })).toMatch(/languages\.de\.tts: 'piper-fr_fr-siwis-medium' is not listed for language 'de' \(it has fr\)/);
    expect(error({ DE: { tts: "piper-de_de-thorsten-low" } })).toMatch(/profile 'p': languages\.DE: must be a base language subtag/);
    expect(error({ de: { voice: "x" } })).toMatch(/unknown field 'voice'/);
  });
});
