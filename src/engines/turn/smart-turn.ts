import { availableParallelism } from "node:os";
import type { ParleyConfig } from "../../config/index.js";
import { AbortError, ParleyError } from "../../lib/errors.js";
import type { ModelRef } from "../model-ref.js";
import { modelFile, modelSetting } from "../model-ref.js";
import type { AudioInput, EngineInfo, TurnDetector, TurnPrediction } from "../types.js";
import { epochNow } from "../worker/live-stats.js";
import { EngineWorker } from "../worker/host.js";
import type { TurnPredictArgs, TurnPredictResult, TurnWorkerConfig } from "../worker/turn-worker.js";
import { SMART_TURN_SECONDS, SMART_TURN_THRESHOLD } from "../worker/smart-turn-input.js";

/** How many of the last predictions recentMs is the median of (the warm-up's two count: a fresh engine has one). */
const RECENT_PREDICTIONS = 7;

/**
 * Smart Turn v3.x (and its test doubles, which keep its input/output
 * contract) on onnxruntime-node. Each worker thread holds one session; a
 * prediction goes to the least busy worker, so two calls pausing at the same
 * moment do not wait for each other on a box with cores to spare.
 */
export class SmartTurnDetector implements TurnDetector {
  readonly sampleRate: number;
  readonly windowMs = SMART_TURN_SECONDS * 1000;
  private readonly busy: number[];
  /** The last few predictions' wall times (recentMs). */
  private readonly recent: number[] = [];

  private constructor(
    private readonly workers: EngineWorker[],
    readonly threshold: number,
    readonly info: EngineInfo,
  ) {
    this.sampleRate = workers[0]!.sampleRate;
    this.busy = workers.map(() => 0);
  }

  static async load(ref: ModelRef, config: ParleyConfig["engines"]["turn"]): Promise<SmartTurnDetector> {
    const started = performance.now();
    const worker: TurnWorkerConfig = { model: modelFile(ref, "model"), threads: config.threads };
    const count = config.workers === "auto" ? Math.min(2, availableParallelism()) : config.workers;
    const first = await EngineWorker.start("turn", worker, ref.model.id); // a broken model fails once, before more start
    const workers = [first];
    try {
      for (let i = 1; i < count; i++) workers.push(await EngineWorker.start("turn", worker, ref.model.id));
    } catch (err) {
      await Promise.allSettled(workers.map((w) => w.terminate()));
      throw err;
    }
    const threshold = modelSetting<number>(ref, "threshold", SMART_TURN_THRESHOLD);
    const info: EngineInfo = {
      kind: "turn",
      engine: ref.model.engine,
      modelId: ref.model.id,
      sampleRate: first.sampleRate,
      loadMs: performance.now() - started,
    };
    return new SmartTurnDetector(workers, threshold, info);
  }

  async predict(audio: AudioInput, options: { signal: AbortSignal }): Promise<TurnPrediction> {
    const started = performance.now();
    if (options.signal.aborted) throw new AbortError(options.signal.reason);
    checkAudio(audio);
    const i = this.leastBusy();
    this.busy[i]!++;
    try {
      const args: TurnPredictArgs = { samples: audio.samples, sampleRate: audio.sampleRate, at: epochNow() };
      const r = await this.workers[i]!.call<TurnPredictResult>("predict", args, { signal: options.signal });
      const ms = performance.now() - started;
      this.recent.push(ms);
      if (this.recent.length > RECENT_PREDICTIONS) this.recent.shift();
      return { complete: r.probability > this.threshold, probability: r.probability, ms, modelMs: r.modelMs };
    } finally {
      this.busy[i]!--;
    }
  }

  get recentMs(): number {
    if (this.recent.length === 0) return 0;
    const sorted = [...this.recent].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  /** The worst of the workers: a prediction on the busiest one waits that long. */
  get liveQueueDelayMs(): number {
    return Math.max(...this.workers.map((w) => w.liveQueueDelayMs));
  }

  private leastBusy(): number {
    let best = 0;
    for (let i = 1; i < this.busy.length; i++) if (this.busy[i]! < this.busy[best]!) best = i;
    return best;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Bad audio is refused here, with what is wrong, before it costs a prediction (NaN would come back as NaN). */
function checkAudio(audio: AudioInput): void {
  if (!Number.isInteger(audio.sampleRate) || audio.sampleRate < 1000 || audio.sampleRate > 384_000) {
    throw new ParleyError(
      "audio_invalid",
      `turn model: sample rate must be a whole number of Hz in 1000..384000, got ${audio.sampleRate}`,
      { status: 400 },
    );
  }
  for (let i = 0; i < audio.samples.length; i++) {
    if (!Number.isFinite(audio.samples[i]))
      throw new ParleyError(
        "audio_invalid",
        `turn model: sample ${i} is ${audio.samples[i]}; audio must be finite numbers in [-1, 1]`,
        { status: 400 },
      );
  }
}
