import type { Frame } from "../../audio/index.js";
import type { ChatMessage } from "../../engines/types.js";

/**
 * What a conversation needs from the call's media: the caller's audio and a
 * way to play ours. An RtpSession provides exactly this; nothing here knows
 * about SIP or RTP.
 */
export interface CallAudio {
  /** The caller: 20 ms frames of 8 kHz PCM16, in real time. */
  readonly frames: AsyncIterable<Frame>;
  /** Queues agent audio (8 kHz PCM16) behind what is queued; returns what was actually sent. */
  play(source: Int16Array | AsyncIterable<Int16Array>, options?: { signal?: AbortSignal }): PlaybackHandle;
  /** Drops all queued agent audio at once (barge-in). */
  clearPlayback(): number;
  readonly playing: boolean;
  /** How long caller frames are held (jitter buffer) before they reach `frames`; 0 when not known. */
  readonly inputDelayMs?: number;
}

export interface PlaybackHandle {
  readonly playedSamples: number;
  readonly done: Promise<{ completed: boolean; playedSamples: number; queuedSamples: number }>;
  /** Wall time (performance.now()) of the first packet carrying this audio, when the media layer reports it. */
  readonly started?: Promise<number | null>;
}

/** How the call is controlled from inside the conversation (tools, timeouts). */
export interface CallControl {
  /** Ends the call (after whatever is playing). */
  hangup(reason: string): Promise<void>;
  /** Blind transfer; resolves with the SIP outcome. */
  transfer(targetUri: string): Promise<{ status: number; reason: string }>;
}

export type { TurnRecord, TurnTiming } from "../../store/records/call-turn.js";
import type { TurnRecord } from "../../store/records/call-turn.js";

export type ConversationOutcome =
  | "caller_hangup"
  | "agent_hangup"
  | "transferred"
  | "message_taken"
  | "callback_scheduled"
  | "silence_timeout"
  | "max_duration"
  | "failed";

export interface ConversationResult {
  outcome: ConversationOutcome;
  turns: TurnRecord[];
  history: ChatMessage[];
  bargeIns: number;
}
