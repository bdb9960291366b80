/**
 * Decodes the streaming-ASR streams of all calls together. Audio that arrives
 * is queued per call; decoding waits for the end of the current event-loop
 * turn (setImmediate), so the audio of every call that arrived meanwhile is
 * decoded in one `decodeStreams` batch: one model run for N calls instead of N
 * runs, which is what lets one worker keep up with many calls.
 *
 * Each pass feeds every stream its next queued chunk, decodes the ready
 * streams together, then reports results, so a stream still sees its audio
 * chunk by chunk (endpoints fall between the right chunks even when a backlog
 * is decoded at once). Every chunk's wait before decoding is the engine's
 * live queueing delay.
 */
import type { LiveStatsWriter } from "./live-stats.js";
import { epochNow } from "./live-stats.js";
import type { SherpaOnlineRecognizer, SherpaOnlineStream } from "./sherpa.js";

interface Chunk {
  samples: Float32Array;
  sampleRate: number;
  sentAt: number;
  /** Silence after the caller's last word, to make the recogniser decode what it holds back (finalize). */
  padding?: true;
}

/**
 * Silence a finalize feeds the recogniser: enough to complete the chunk the last word fell in and the look-ahead
 * its decoding waits for (streaming zipformer: 32 feature frames a chunk plus 7 of look-ahead, about 400 ms; the
 * T-one double: a 300 ms chunk, decoded one chunk behind, up to 600 ms).
 */
export const FINALIZE_PADDING_MS = 600;

/** One call's stream inside the batcher. */
export class BatchedStream {
  readonly queue: Chunk[] = [];
  /** Audio fed to the model so far (not counting finalize's padding). */
  audioMs = 0;
  /** The rate of the call's audio: sherpa's resampler must not see another one on this stream. */
  private sampleRate: number | null = null;
  /** A finalize's padding was decoded in the last pass: the result is the utterance's final. */
  finalized = false;

  constructor(
    readonly stream: SherpaOnlineStream,
    private readonly batcher: StreamBatcher,
    /** Called after each pass that decoded this stream's next chunk (read results, endpoints). */
    readonly onDecoded: () => void,
  ) {}

  /** Queues audio; it is decoded with the next batch. */
  accept(samples: Float32Array, sampleRate: number, sentAt: number): void {
    this.sampleRate = sampleRate;
    this.queue.push({ samples, sampleRate, sentAt });
    this.batcher.wake(this);
  }

  /** Feeds the stream its next queued chunk (there must be one). */
  feedNext(): Chunk {
    const chunk = this.queue.shift()!;
    if (chunk.samples.length > 0) this.stream.acceptWaveform({ samples: chunk.samples, sampleRate: chunk.sampleRate });
    if (chunk.padding) this.finalized = true;
    else this.audioMs += (chunk.samples.length * 1000) / chunk.sampleRate;
    return chunk;
  }

  /** Queues the padding that makes the recogniser give up what it holds (after the audio queued before it). */
  finalize(sentAt: number): void {
    // No audio yet: nothing held back, but the caller still waits for the final's answer (an endpoint alone).
    const rate = this.sampleRate ?? 8000;
    const samples = new Float32Array(this.sampleRate === null ? 0 : Math.round((rate * FINALIZE_PADDING_MS) / 1000));
    this.queue.push({ samples, sampleRate: rate, sentAt, padding: true });
    this.batcher.wake(this);
  }
}

export class StreamBatcher {
  private readonly pending = new Set<BatchedStream>();
  private scheduled = false;
  /** Streams decoded per model run (recent runs), for tests and diagnostics. */
  readonly batchSizes: number[] = [];

  constructor(
    private readonly recognizer: SherpaOnlineRecognizer,
    private readonly stats: LiveStatsWriter,
  ) {}

  open(onDecoded: () => void): BatchedStream {
    return new BatchedStream(this.recognizer.createStream(), this, onDecoded);
  }

  /** Forgets a stream (its call ended); audio it had waiting is left in its queue. */
  close(entry: BatchedStream): void {
    this.pending.delete(entry);
  }

  wake(entry: BatchedStream): void {
    this.pending.add(entry);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const recognizer = this.recognizer;
    while (this.pending.size > 0) {
      const step = [...this.pending];
      const now = epochNow();
      for (const s of step) {
        this.stats.sample(now - s.feedNext().sentAt);
        if (s.queue.length === 0) this.pending.delete(s);
      }
      let ready = step.filter((s) => recognizer.isReady(s.stream));
      while (ready.length > 0) {
        this.record(ready.length);
        recognizer.decodeStreams(ready.map((s) => s.stream));
        ready = ready.filter((s) => recognizer.isReady(s.stream));
      }
      for (const s of step) s.onDecoded();
    }
  }

  private record(n: number): void {
    this.batchSizes.push(n);
    if (this.batchSizes.length > 1000) this.batchSizes.splice(0, 500);
  }
}
