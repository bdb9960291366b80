/**
 * Messages between the main thread (RtpSession handles) and a media worker
 * (the sessions themselves). `sid` names a session within one worker.
 *
 * Main -> worker is one message per call (play chunks are copied and
 * transferred). Worker -> main is batched: once per 20 ms tick, one `tick`
 * message carries every session's news (caller frames, events, playback
 * progress, sent frames for the recorder), so a hundred calls cost the main
 * thread fifty messages a second, not five thousand. Counters do not travel
 * at all: they sit in shared memory (see shared-figures.ts).
 */
import type { PlayoutEndReason } from "../playout.js";
import type { PriorityOutcome } from "./thread-priority.js";
import type { RtpMedia, RtpSessionEvent } from "../types.js";

export interface BindRequest {
  t: "bind";
  sid: number;
  host: string;
  port: number;
  figures: SharedArrayBuffer;
  ssrc: number;
  initialSequence: number;
  initialTimestamp: number;
  jitter: { minDelayMs: number; initialDelayMs: number; maxDelayMs: number };
  sendSilenceWhenIdle: boolean;
  /** rtp.latchAnySource: latch to whoever sends first, not only to a source matching the SDP. */
  latchAnySource: boolean;
}

export type ToMedia =
  | BindRequest
  | { t: "apply"; sid: number; media: Required<RtpMedia>; start: boolean }
  /** A new playback item, queued behind the others; `pcm` and `end` for a whole buffer. */
  | { t: "enqueue"; sid: number; id: number; pcm: Int16Array | null; end: boolean }
  | { t: "push"; sid: number; id: number; pcm: Int16Array }
  | { t: "end"; sid: number; id: number; failed: boolean }
  | { t: "cancel"; sid: number; id: number }
  | { t: "clear"; sid: number }
  | { t: "dtmf"; sid: number; req: number; digits: string; durationMs: number; volume: number }
  /** Whether the main side wants every sent frame (the call recorder). */
  | { t: "tap"; sid: number; on: boolean }
  | { t: "reset-timing"; sid: number }
  | { t: "close"; sid: number };

export interface EndedItem {
  id: number;
  reason: PlayoutEndReason;
  playedSamples: number;
  underruns: number;
  atMs: number;
}

/**
 * One session's news since the last tick beyond its caller frames and
 * playback progress (those travel packed for all sessions, see `tick`);
 * fields are present only when there is something.
 */
export interface SessionUpdate {
  sid: number;
  /** Events; `atMs` on the worker's clock (see MediaWorker.toMainTime). */
  events?: RtpSessionEvent[];
  /** [item id, time its first packet went out] pairs. */
  started?: number[];
  ended?: EndedItem[];
  /** Sent frames for the recorder, in order: 1 = audio (the next 160 samples of `sentPcm`), 0 = silence. */
  sentKinds?: Uint8Array;
  sentPcm?: Int16Array;
  /** [request, 1 sent | 0 not] pairs of DTMF requests that finished. */
  dtmf?: number[];
  /** The symmetric-RTP latch changed (null: forgotten, after a re-INVITE). */
  latched?: { address: string; port: number; ssrc: number } | null;
}

export type FromMedia =
  /** `tid`: the thread's Linux id, for its CPU figures (null where /proc has none); `priority`: what it runs at. */
  | { t: "ready"; timeOrigin: number; tid: number | null; priority: PriorityOutcome }
  | { t: "bound"; sid: number; port: number }
  | { t: "bind-failed"; sid: number; code: string | null; message: string }
  /**
   * Once per tick, for every session: caller frames back to back in one
   * buffer (20 ms of 8 kHz PCM16 each) with [sid, frame count] pairs in
   * buffer order, [sid, item, samples played] triplets, and the sparse rest.
   */
  | {
      t: "tick";
      frames: Int16Array | null;
      frameIndex: Int32Array | null;
      progress: Float64Array | null;
      updates: SessionUpdate[];
    }
  /** The session is gone and its port free; its last news and final figures are in. */
  | { t: "closed"; sid: number; update: SessionUpdate | null };

/** Worker-wide counters and histograms, shared with the main thread (metrics). */
export const PLANE_COUNTERS = ["sessions", "ticks", "stalls", "skippedSlots", "lagMs", "maxLagMs"] as const;
export const PLANE_HISTOGRAMS = ["tickIntervals", "tickLateness"] as const;
