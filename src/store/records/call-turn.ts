/**
 * The record of one turn of a call, as the calls table stores it (turns are
 * JSON on the call). The conversation (agent/) writes these; they live here
 * because the store persists them and must not import the layers above.
 */

/**
 * Where a turn failed. "context": the prompt could not be made to fit the
 * model's context (system prompt and tools too big for it); "llm": the model
 * threw; "tool": a tool's handler threw (a tool's own error result, such as an
 * HTTP service that does not answer, is not a failure: the model reads it and
 * answers); "tts": synthesis threw; "internal": anything else.
 */
export type FailureStage = "context" | "llm" | "tool" | "tts" | "internal";

/** Why a turn failed, as recorded on the turn (a short single line, no caller data). */
export interface TurnFailure {
  stage: FailureStage;
  message: string;
}

/** How one turn's prompt fit the model's context (recorded on the turn for diagnostics). */
export interface ContextFit {
  /** Tokens of the prompt sent (system prompt, tool documentation, kept history). */
  promptTokens: number;
  /** The most the prompt may take: the context less the room kept for the reply. */
  limit: number;
  /** Time spent measuring and trimming, in ms. */
  fitMs: number;
  /** Present when this turn had to leave older turns out. */
  trimmed?: {
    /** The prompt's size before, with every turn kept since the last trim. */
    tokensBefore: number;
    /** Messages of the call's history before the cut (all trims so far); the kept tool results among them are re-sent on their own. */
    leftOut: number;
    /** Tool results kept although their turns were left out. */
    keptToolResults: number;
  };
}

/**
 * A knowledge-base chunk an answer drew on (the agent's `search_knowledge` tool returned it this turn): enough to
 * show the source in the transcript and to find it again, even after the document was re-uploaded.
 */
export interface TurnSource {
  chunkId: number;
  document: string;
  /** The document's version when it was searched. */
  version: number;
  /** Order of the chunk in its document, from 0. */
  position: number;
  heading: string;
  /** The start of the chunk's text, as the transcript shows it (at most 200 characters). */
  excerpt: string;
}

/** Timings of one exchange, in ms from the caller's last word (the latency breakdown). */
export interface TurnTiming {
  /** Trailing silence we waited before deciding the caller had finished. */
  endpointMs: number | null;
  /** When the final text was available. */
  asrFinalMs: number | null;
  llmFirstTokenMs: number | null;
  /**
   * Prompt tokens the reply evaluated before the one its first token is sampled from (what reading ahead left it:
   * the caller's last word and the reply's opening, when it kept up); absent on older records.
   */
  llmPromptTokens?: number;
  /** When the reply's first chunk (first clause or sentence) went to TTS; absent on older records. */
  firstChunkMs?: number | null;
  /** The LLM paused its decoding while the first chunk was synthesised (engines.llm.firstWordsHoldMs); absent when not. */
  firstWordsPaused?: true;
  /** The first chunk played from memory (the voice said the same words before): it took no synthesis; absent when not. */
  openingRecalled?: true;
  ttsFirstAudioMs: number | null;
  firstRtpMs: number | null;
  /**
   * What ended the caller's turn: the silence deadline ("vad"), the recogniser's endpoint ("asr"), the turn
   * model's verdict ("model"), or keypad digits ("dtmf"). Absent on records from before turn models.
   */
  endedBy?: "vad" | "asr" | "model" | "dtmf";
  /**
   * The turn model's last verdict in the pause that ended the turn: P(complete), its wall time in ms, when it was
   * asked (ms after the caller's last word) and whether the early-silence detector asked it (before the VAD's own
   * end of speech). The last two are absent on records from before early asks.
   */
  turnModel?: { probability: number; ms: number; askedAfterMs?: number; early?: boolean };
  /**
   * Speculative replies: `kept` when the reply heard was started on the interim transcript before the turn
   * ended; `discarded`, how many started during this turn were thrown away unheard (the words changed).
   */
  speculation?: { kept: boolean; discarded: number };
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
  /** Agent turns that searched the knowledge base: the chunks the model was given to answer from. */
  sources?: TurnSource[];
  timing?: TurnTiming;
  /** Agent turns from the LLM: the prompt's size against the context, and whether older turns were left out. */
  contextFit?: ContextFit;
  /** "fallback": a fixed line of the failure path (the reply to a declined message offer). */
  source?: "speech" | "dtmf" | "greeting" | "reprompt" | "goodbye" | "filler" | "fallback";
}
