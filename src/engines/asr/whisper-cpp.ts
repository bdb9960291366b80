import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ParleyConfig } from "../../config/index.js";
import { encodeWav } from "../../audio/index.js";
import { runCommand } from "../../lib/commands/helper.js";
import { AbortError, ModelError, ParleyError } from "../../lib/errors.js";
import { modelFile, type ModelRef } from "../model-ref.js";
import type { AudioInput, BatchAsr, EngineInfo, Transcript } from "../types.js";

/**
 * Optional batch ASR on whisper.cpp, using the `whisper-cli` binary that the
 * nodejs-whisper package builds (`npx nodejs-whisper download`, needs cmake).
 * We run the binary ourselves, with the ggml model from Parley's model store
 * and no shell: nodejs-whisper's own entry point changes the process's working
 * directory and builds shell strings from paths, neither acceptable in a server.
 */
export class WhisperCppAsr implements BatchAsr {
  readonly sampleRate = 16000;

  private constructor(
    private readonly binary: string,
    private readonly model: string,
    private readonly threads: number,
    private readonly language: string,
    readonly info: EngineInfo,
  ) {}

  static async load(ref: ModelRef, config: ParleyConfig["engines"]["asr"]): Promise<WhisperCppAsr> {
    const started = performance.now();
    const binary = findWhisperCli();
    if (!binary) {
      throw new ModelError(
        "engine_unavailable",
        "whisper.cpp is not built: run `npx nodejs-whisper download` once (needs cmake and a C++ compiler), or use a sherpa-onnx batch ASR model",
      );
    }
    const model = modelFile(ref, "file");
    if (!existsSync(model)) throw new ModelError("model_missing", `model ${ref.model.id}: ${model} is missing`);
    const language = typeof ref.model.config.language === "string" ? ref.model.config.language : "en";
    return new WhisperCppAsr(binary, model, config.threads, language, {
      kind: "asr-batch",
      engine: ref.model.engine,
      modelId: ref.model.id,
      sampleRate: 16000,
      loadMs: performance.now() - started,
    });
  }

  async transcribe(audio: AudioInput, options: { signal: AbortSignal }): Promise<Transcript> {
    if (audio.sampleRate !== 16000)
      throw new ParleyError("audio_rate", "whisper.cpp needs 16 kHz audio; resample first", { status: 400 });
    const dir = await mkdtemp(join(tmpdir(), "parley-whisper-"));
    try {
      const wav = join(dir, "in.wav");
      await writeFile(wav, encodeWav({ channels: [audio.samples], sampleRate: 16000 }));
      await run(
        this.binary,
        [
          "-m",
          this.model,
          "-f",
          wav,
          "-l",
          this.language,
          "-t",
          String(this.threads),
          "-oj",
          "-of",
          join(dir, "out"),
          "-np",
        ],
        options.signal,
      );
      const json = JSON.parse(await readFile(join(dir, "out.json"), "utf8")) as {
        transcription?: { text: string; offsets: { from: number } }[];
      };
      const segments = json.transcription ?? [];
      return {
        text: segments
          .map((s) => s.text.trim())
          .join(" ")
          .trim(),
        tokens: segments.map((s) => ({ text: s.text.trim(), startMs: s.offsets.from })),
        durationMs: Math.round((audio.samples.length * 1000) / 16000),
        language: this.language,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async dispose(): Promise<void> {}
}

/** Where nodejs-whisper builds whisper-cli, or null when it has not been built. */
export function findWhisperCli(): string | null {
  let root: string;
  try {
    root = join(dirname(createRequire(import.meta.url).resolve("nodejs-whisper/package.json")), "cpp", "whisper.cpp");
  } catch {
    return null;
  }
  const candidates = [
    join(root, "build", "bin", "whisper-cli"),
    join(root, "build", "whisper-cli"),
    join(root, "whisper-cli"),
  ];
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** Through the server's command helper where it runs: a fork of a server holding models stalls its live calls. */
async function run(file: string, args: string[], signal: AbortSignal): Promise<void> {
  const r = await runCommand(file, args, { signal });
  if (r.code === 0) return;
  if (signal.aborted) throw new AbortError(signal.reason);
  const reason = r.stderr.split("\n").filter(Boolean).pop() ?? r.spawnError ?? `exit ${r.code ?? r.signal}`;
  throw new ParleyError("engine_error", `whisper-cli failed: ${reason}`, { retryable: true });
}
