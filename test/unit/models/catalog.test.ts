import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ModelError } from "../../../src/lib/errors.js";
import { loadCatalog, modelRoles, profileRoles, roleKinds, type CatalogModel } from "../../../src/models/index.js";

const dir = mkdtempSync(join(tmpdir(), "parley-catalog-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function catalogFile(doc: unknown): string {
  const file = join(dir, `c${++n}.json`);
  writeFileSync(file, typeof doc === "string" ? doc : JSON.stringify(doc));
  return file;
}

const entry = (over: Record<string, unknown> = {}) => ({
  id: "site-llm", kind: "llm", engine: "llama-cpp", description: "d", license: "MIT", languages: ["en"], sizeBytes: 10,
  files: [{ path: "m.gguf", url: "https://example.com/m.gguf", size: 10 }], config: { file: "m.gguf" }, ...over,
});

function loadError(doc: unknown): ModelError {
  try {
    loadCatalog({ extra: [catalogFile(doc)] });
  } catch (err) {
    expect(err).toBeInstanceOf(ModelError);
    return err as ModelError;
  }
  throw new Error("expected the catalog to be rejected");
}

describe("built-in catalog", () => {
  const catalog = loadCatalog();
  const real = catalog.models.filter((m) => !m.generator && !m.npm);

  it("has the tiny, small, default and load profiles, each role (the turn model too) pointing at a model of its kind", () => {
    for (const name of ["tiny", "small", "default", "load-small", "load-default"]) {
      const { models } = catalog.resolveProfile(name);
      for (const role of profileRoles) expect(models[role]?.kind, `${name} ${role}`).toBe(roleKinds[role]);
    }
    expect(catalog.resolveProfile("small").models.turn?.id).toBe("smart-turn-v3.2-cpu");
    expect(catalog.resolveProfile("default").models.turn?.id).toBe("smart-turn-v3.2-cpu");
    expect(catalog.resolveProfile("tiny").models.turn?.id).toBe("tiny-turn");
    expect(catalog.resolveProfile("load-small").models.turn?.standsInFor).toBe("smart-turn-v3.2-cpu");
  });

  it("pins Smart Turn v3.2 to a Hugging Face revision with its published size and sha256", () => {
    const file = catalog.model("smart-turn-v3.2-cpu").files?.[0];
    expect(file?.url).toBe("https://huggingface.co/pipecat-ai/smart-turn-v3/resolve/f766f81d3cfdf7737ac64aad813d91bbfd56bf93/smart-turn-v3.2-cpu.onnx");
    expect(file?.size).toBe(8_679_182);
    expect(file?.sha256).toBe("2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f");
  });

  it("pins production downloads to https URLs, sha256 and exact sizes (where the publisher gives more than a rounded figure)", () => {
    expect(real.length).toBeGreaterThanOrEqual(9);
    for (const m of real) {
      const urls = m.files?.map((f) => f.url) ?? [m.archive!.url];
      for (const u of urls) expect(new URL(u).protocol, m.id).toBe("https:");
      if (m.files) {
        for (const f of m.files) expect(f.sha256, `${m.id}/${f.path}`).toMatch(/^[0-9a-f]{64}$/);
        // A file pinned by sha256 alone says so, and its catalog size is the publisher's rounded figure.
        if (m.files.every((f) => f.size !== undefined)) expect(m.sizeBytes, m.id).toBe(m.files.reduce((s, f) => s + (f.size ?? 0), 0));
        else expect(m.description, m.id).toMatch(/sha256 alone/);
      }
    }
    // Every production file has its exact size.
    expect(real.filter((m) => m.files?.some((f) => f.size === undefined)).map((m) => m.id)).toEqual([]);
  });

  it("pins every Hugging Face URL to a revision and every archive to its size and sha256 (issue 10, item 25)", () => {
    for (const m of real) {
      for (const u of m.files?.map((f) => f.url) ?? [m.archive!.url]) {
        if (new URL(u).hostname === "huggingface.co") expect(u, m.id).toMatch(/\/resolve\/[0-9a-f]{40}\//);
      }
      if (m.archive) {
        expect(m.archive.sha256, m.id).toMatch(/^[0-9a-f]{64}$/);
        expect(m.archive.size, m.id).toBe(m.sizeBytes);
      }
    }
    const piper = real.find((m) => m.id === "piper-en_us-amy-low")!;
    expect(piper.archive).toMatchObject({ size: 67095344, sha256: "c70f5284a09a7fd4ed203b39b2ff51cac1432b422b852eb647b481dade3cf639" });
    // The voice is CC-BY-SA (Piper's maintainers), the phonemizer data GPL-3.0-or-later: both stated.
    expect(piper.license).toBe("CC-BY-SA-4.0 AND GPL-3.0-or-later");
  });

  it("names in config only files the entry downloads", () => {
    const roles = ["model", "encoder", "decoder", "joiner", "tokens", "file"];
    for (const m of real.filter((x): x is CatalogModel & { files: NonNullable<CatalogModel["files"]> } => x.files !== undefined)) {
      for (const role of roles) {
        const value = m.config[role];
        if (typeof value === "string") expect(m.files.map((f) => f.path), `${m.id} config.${role}`).toContain(value);
      }
    }
  });

  it("covers every kind with real models and lists which profiles use a model", () => {
    expect(new Set(real.map((m) => m.kind))).toEqual(new Set(["vad", "asr-streaming", "asr-batch", "llm", "tts", "embed", "turn"]));
    expect(catalog.profilesUsing("piper-en_us-amy-low").sort()).toEqual(["default", "multilingual", "small"]);
    expect(catalog.findModel("whisper-cpp-base.en")?.engine).toBe("whisper-cpp");
  });
});

describe("catalog merging and validation", () => {
  it("adds site models and profiles, and a site entry overrides a built-in one by id", () => {
    const site = catalogFile({
      version: 1,
      models: [entry(), entry({ id: "tiny-llm", description: "site copy" })],
      profiles: { site: { description: "s", vad: "silero-vad-v5", asrStreaming: "zipformer-en-20m-2023-02-17", asrBatch: "whisper-tiny.en-int8", llm: "site-llm", tts: "piper-en_us-amy-low" } },
    });
    const c = loadCatalog({ extra: [site] });
    expect(c.resolveProfile("site").models.llm.id).toBe("site-llm");
    expect(c.model("tiny-llm").description).toBe("site copy");
    expect(c.origins.get("model:site-llm")).toBe(site);
  });

  it("lets imported bundle entries add models but never replace built-in ones", () => {
    const imported = catalogFile({ version: 1, models: [entry({ id: "bundled-llm" }), entry({ id: "tiny-llm", description: "from a bundle" })], profiles: {} });
    const c = loadCatalog({ imported });
    expect(c.findModel("bundled-llm")).toBeDefined();
    expect(c.model("tiny-llm").description).not.toBe("from a bundle");
  });

  it("names the file, the model id and the field of a bad value", () => {
    const err = loadError({ version: 1, models: [entry({ files: [{ path: "m.gguf", url: "https://example.com/m", sha256: "ABC" }] })], profiles: {} });
    expect(err.code).toBe("catalog_invalid");
    expect(err.message).toMatch(/^catalog \/.*c\d+\.json: model 'site-llm': files\[0\]\.sha256: must be 64 lowercase hex digits$/);
  });

  it("reports unknown fields, a missing source and paths escaping the model folder", () => {
    expect(loadError({ version: 1, models: [entry({ colour: "red" })], profiles: {} }).message).toContain("model 'site-llm': unknown field 'colour'");
    expect(loadError({ version: 1, models: [entry({ files: undefined })], profiles: {} }).message).toContain("model 'site-llm': a model needs exactly one source");
    expect(loadError({ version: 1, models: [entry({ files: [{ path: "../x", url: "https://e.com/x" }] })], profiles: {} }).message).toContain("files[0].path: must be a relative path");
    expect(loadError({ version: 1, models: [{ kind: "llm" }], profiles: {} }).message).toContain("model #1 (no valid id)");
  });

  it("rejects a profile role that points at a model of the wrong kind or at no model", () => {
    const p = (llm: string) => ({ version: 1, models: [entry()], profiles: { bad: { description: "b", vad: "silero-vad-v5", asrStreaming: "zipformer-en-20m-2023-02-17", asrBatch: "whisper-tiny.en-int8", llm, tts: "piper-en_us-amy-low" } } });
    const wrongKind = loadError(p("piper-en_us-amy-low"));
    expect(wrongKind.message).toMatch(/profile 'bad': llm: 'piper-en_us-amy-low' is a tts model, the role needs llm$/);
    expect(loadError(p("nowhere")).message).toContain("profile 'bad': llm: no model 'nowhere' in any catalog");
  });

  it("takes profiles without a turn model (the role is optional) and rejects one of the wrong kind", () => {
    const roles = { vad: "silero-vad-v5", asrStreaming: "zipformer-en-20m-2023-02-17", asrBatch: "whisper-tiny.en-int8", llm: "site-llm", tts: "piper-en_us-amy-low" };
    const c = loadCatalog({ extra: [catalogFile({ version: 1, models: [entry()], profiles: { plain: { description: "p", ...roles } } })] });
    expect(c.resolveProfile("plain").models.turn).toBeUndefined();
    expect(Object.keys(c.resolveProfile("plain").models).sort()).toEqual([...modelRoles].sort());
    const wrong = loadError({ version: 1, models: [entry()], profiles: { bad: { description: "b", ...roles, turn: "silero-vad-v5" } } });
    expect(wrong.message).toMatch(/profile 'bad': turn: 'silero-vad-v5' is a vad model, the role needs turn$/);
  });

  it("lets a profile leave the embedder out, and checks it when named", () => {
    const roles = { description: "e", vad: "silero-vad-v5", asrStreaming: "zipformer-en-20m-2023-02-17", asrBatch: "whisper-tiny.en-int8", llm: "site-llm", tts: "piper-en_us-amy-low" };
    const without = loadCatalog({ extra: [catalogFile({ version: 1, models: [entry()], profiles: { plain: roles } })] });
    expect(without.resolveProfile("plain").models.embed).toBeUndefined();
    expect(Object.keys(without.resolveProfile("plain").models).sort()).toEqual([...modelRoles].sort());
    const named = loadCatalog({ extra: [catalogFile({ version: 1, models: [entry()], profiles: { kb: { ...roles, embed: "bge-small-en-v1.5-q8_0" } } })] });
    expect(named.resolveProfile("kb").models.embed?.id).toBe("bge-small-en-v1.5-q8_0");
    expect(named.profilesUsing("bge-small-en-v1.5-q8_0")).toContain("kb");
    expect(loadError({ version: 1, models: [entry()], profiles: { bad: { ...roles, embed: "site-llm" } } }).message).toMatch(/profile 'bad': embed: 'site-llm' is a llm model, the role needs embed$/);
  });

  it("rejects duplicate ids, broken JSON and missing files, naming the file", () => {
    expect(loadError({ version: 1, models: [entry(), entry()], profiles: {} }).message).toContain("model 'site-llm': id appears twice");
    expect(loadError("{ not json").message).toMatch(/c\d+\.json: invalid JSON/);
    expect(() => loadCatalog({ extra: [join(dir, "absent.json")] })).toThrow(/absent\.json: file not found/);
  });

  it("explains unknown models and profiles", () => {
    const c = loadCatalog();
    expect(() => c.model("nope")).toThrow(/no model 'nope' in the catalog/);
    expect(() => c.resolveProfile("huge")).toThrow(/no profile 'huge' in the catalog \(known: tiny, small, default, load-small, load-default, small-de, small-fr, small-es, multilingual\)/);
  });
});
