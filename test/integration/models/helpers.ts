import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCatalog, ModelStore, type ModelCatalog } from "../../../src/models/index.js";
import { fixtureBytes, type FixtureServer } from "./fixture-server.js";

export const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A temporary folder removed by the returned cleanup. */
export async function tempDir(prefix = "parley-models-"): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** One fixture file per role of a five-model profile, served by `server` under /files/. */
export const profileFiles = {
  "t-vad": { kind: "vad", engine: "silero-vad", file: "vad.onnx", role: "model", bytes: fixtureBytes(40_000, 11) },
  "t-asr-live": { kind: "asr-streaming", engine: "sherpa-online-transducer", file: "encoder.onnx", role: "encoder", bytes: fixtureBytes(150_000, 12) },
  "t-asr-batch": { kind: "asr-batch", engine: "sherpa-offline-whisper", file: "encoder.onnx", role: "encoder", bytes: fixtureBytes(90_000, 13) },
  "t-llm": { kind: "llm", engine: "llama-cpp", file: "model.gguf", role: "file", bytes: fixtureBytes(260_000, 14) },
  "t-tts": { kind: "tts", engine: "sherpa-tts-vits", file: "voice.onnx", role: "model", bytes: fixtureBytes(70_000, 15) },
} as const;

/** A catalog entry with one downloaded file. */
export function fileEntry(id: string, url: string, bytes: Buffer, o: { kind?: string; engine?: string; file?: string; role?: string; withSize?: boolean; withSha?: boolean } = {}) {
  const file = o.file ?? "model.bin";
  return {
    id,
    kind: o.kind ?? "llm",
    engine: o.engine ?? "llama-cpp",
    description: `test model ${id}`,
    license: "Apache-2.0",
    languages: ["en"],
    sizeBytes: bytes.length,
    files: [{ path: file, url, ...(o.withSize === false ? {} : { size: bytes.length }), ...(o.withSha === false ? {} : { sha256: sha256(bytes) }) }],
    config: { [o.role ?? "file"]: file },
  };
}

/** Serves the five profile files and returns catalog entries plus a profile `testprof` using them. */
export function testProfileCatalog(server: FixtureServer) {
  const models = Object.entries(profileFiles).map(([id, f]) => {
    server.serve(`/files/${id}/${f.file}`, f.bytes);
    return fileEntry(id, `${server.url}/files/${id}/${f.file}`, f.bytes, { kind: f.kind, engine: f.engine, file: f.file, role: f.role });
  });
  const profile = { description: "test profile", vad: "t-vad", asrStreaming: "t-asr-live", asrBatch: "t-asr-batch", llm: "t-llm", tts: "t-tts" };
  return { version: 1, models, profiles: { testprof: profile } };
}

export async function writeJson(file: string, value: unknown): Promise<string> {
  await writeFile(file, JSON.stringify(value, null, 2));
  return file;
}

/** A Parley models folder plus the catalog that sees the test catalog file. */
export interface Site {
  store: ModelStore;
  catalog: () => ModelCatalog;
}

export function site(root: string, extra: string[] = []): Site {
  const store = new ModelStore(join(root, "models"));
  return { store, catalog: () => loadCatalog({ extra, imported: join(store.root, ".catalog", "imported.json") }) };
}
