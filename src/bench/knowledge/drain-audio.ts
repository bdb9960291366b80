import type { Frame } from "../../audio/index.js";
import type { CallAudio, PlaybackHandle } from "../../agent/conversation/types.js";

/**
 * A call's media for a turn measured off the line: it takes the agent's
 * audio as fast as TTS makes it (no 20 ms pacing) and never hears a caller.
 * The turn's timings up to the first audio are the same as on a call; what
 * comes after (playing the reply in real time) is not what the bench measures.
 */
export class DrainAudio implements CallAudio {
  readonly frames: AsyncIterable<Frame> = (async function* () {})();
  private active = 0;

  get playing(): boolean {
    return this.active > 0;
  }

  play(source: Int16Array | AsyncIterable<Int16Array>, options: { signal?: AbortSignal } = {}): PlaybackHandle {
    let played = 0;
    let markStarted: (t: number | null) => void = () => undefined;
    const started = new Promise<number | null>((r) => (markStarted = r));
    this.active++;
    const drain = async (): Promise<boolean> => {
      try {
        const chunks = source instanceof Int16Array ? [source] : source;
        for await (const pcm of chunks) {
          if (options.signal?.aborted) return false;
          if (played === 0 && pcm.length > 0) markStarted(performance.now());
          played += pcm.length;
        }
        return !options.signal?.aborted;
      } catch {
        return false; // synthesis failed or was cancelled: the turn reports it through its TTS error
      } finally {
        markStarted(null);
        this.active--;
      }
    };
    const handle = {
      get playedSamples() {
        return played;
      },
      done: drain().then((completed) => ({ completed, playedSamples: played, queuedSamples: played })),
      started,
    };
    return handle;
  }

  clearPlayback(): number {
    return 0;
  }
}
