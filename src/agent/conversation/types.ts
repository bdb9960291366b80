import type { Frame } from "../../audio/index.js";
import type { ChatMessage } from "../../engines/types.js";
import type { ContextFit } from "./context-window.js";
import type { TurnFailure } from "./turn-failure.js";

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

/** Timings of one exchange, in ms from the caller's last word (the latency breakdown). */
export interface TurnTiming {
  /** Trailing silence we waited before deciding the caller had finished. */
  endpointMs: number | null;
  /** When the final text was available. */
  asrFinalMs: number | null;
  llmFirstTokenMs: number | null;
  ttsFirstAudioMs: number | null;
  firstRtpMs: number | null;
}

export interface TurnRecord {
  index: number;
  /** "user" turns carry what was heard; "agent" turns what was actually played. */
  role: "user" | "agent";
  text: string;
  at: number;
  interrupted?: boolean;
  /** The turn failed (LLM, tool, TTS, or a prompt that cannot fit): the caller heard the fallback line, or the offer to take a message. */
  failed?: true;
  failure?: TurnFailure;
  toolCalls?: { name: string; arguments: Record<string, unknown>; result: unknown }[];
  timing?: TurnTiming;
  /** Agent turns from the LLM: the prompt's size against the context, and whether older turns were left out. */
  contextFit?: ContextFit;
  /** "fallback": a fixed line of the failure path (the reply to a declined message offer). */
  source?: "speech" | "dtmf" | "greeting" | "reprompt" | "goodbye" | "filler" | "fallback";
}

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
