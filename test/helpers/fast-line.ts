import type { Frame } from "../../src/audio/index.js";
import type { CallAudio, PlaybackHandle } from "../../src/agent/conversation/types.js";
import { Channel } from "../../src/lib/channel.js";

/**
 * A phone line that runs `speed` times faster than real time, for tests of
 * long conversations (a hundred turns on a real-time RTP line would take
 * many minutes). It keeps the contract the conversation relies on
 * (src/agent/conversation/types.ts CallAudio): the caller's audio arrives as
 * 20 ms frames of 8 kHz PCM, in order; agent audio plays in the order it was
 * queued, each item taking its length divided by `speed`, and reports what
 * was played; clearPlayback() stops everything at once. The conversation,
 * listener and engines under test are the real ones; only the wire and its
 * clock are replaced (the RTP path is tested on real sockets in test/integration/rtp
 * and test/integration/conversation).
 */
export interface FastLine {
  audio: CallAudio;
  /** Sends caller audio (8 kHz PCM16) at `speed` times real time; resolves when it is all sent. */
  say(pcm: Int16Array): Promise<void>;
  /** Agent audio the caller has heard so far, in 8 kHz samples. */
  readonly heardSamples: number;
  /** Caller audio sent so far, in 8 kHz samples (the stream position of the next frame). */
  readonly sentSamples: number;
  close(): void;
}

const RATE = 8000;
const FRAME = 160;
const TICK_MS = 10;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function openFastLine(o: { speed: number }): FastLine {
  const frames = new Channel<Frame>();
  let sentSamples = 0;
  let heardSamples = 0;
  let pending = 0;
  let generation = 0; // clearPlayback() starts a new one; items of older ones stop
  let tail: Promise<unknown> = Promise.resolve();

  function play(
    source: Int16Array | AsyncIterable<Int16Array>,
    options: { signal?: AbortSignal } = {},
  ): PlaybackHandle {
    const gen = generation;
    const stopped = () => options.signal?.aborted === true || gen !== generation;
    let playedSamples = 0;
    let markStarted: (t: number | null) => void = () => undefined;
    const started = new Promise<number | null>((r) => (markStarted = r));
    pending++;
    const previous = tail;
    const done = (async () => {
      let queuedSamples = 0;
      let completed = true;
      await previous;
      const it = (source instanceof Int16Array ? single(source) : source)[Symbol.asyncIterator]();
      try {
        for (;;) {
          if (stopped()) {
            completed = false;
            break;
          }
          const r = await it.next();
          if (r.done) break;
          queuedSamples += r.value.length;
          if (playedSamples === 0) markStarted(performance.now());
          await sleep((r.value.length * 1000) / RATE / o.speed);
          if (stopped()) {
            completed = false;
            break;
          }
          playedSamples += r.value.length;
          heardSamples += r.value.length;
        }
      } catch {
        completed = false; // the source failed (TTS): what was played stays played
      } finally {
        if (!completed) void Promise.resolve(it.return?.()).catch(() => undefined);
        pending--;
        markStarted(null);
      }
      return { completed, playedSamples, queuedSamples };
    })();
    tail = done;
    return {
      get playedSamples() {
        return playedSamples;
      },
      done,
      started,
    };
  }

  return {
    audio: {
      frames,
      play,
      clearPlayback: () => {
        generation++;
        return pending;
      },
      get playing() {
        return pending > 0;
      },
    },
    async say(pcm) {
      const perTick = Math.max(1, Math.round((o.speed * TICK_MS) / 20));
      for (let at = 0, n = 0; at < pcm.length; at += FRAME, n++) {
        const chunk = new Int16Array(FRAME);
        chunk.set(pcm.subarray(at, at + FRAME));
        frames.push({ pcm: chunk, sampleRate: RATE, ptsMs: (sentSamples * 1000) / RATE });
        sentSamples += FRAME;
        if ((n + 1) % perTick === 0) await sleep(TICK_MS);
      }
    },
    get heardSamples() {
      return heardSamples;
    },
    get sentSamples() {
      return sentSamples;
    },
    close: () => frames.close(),
  };
}

async function* single(pcm: Int16Array): AsyncIterable<Int16Array> {
  yield pcm;
}
