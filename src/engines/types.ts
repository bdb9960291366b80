/**
 * One interface per engine kind. Engines know nothing of calls or jobs: they
 * take audio or text, an AbortSignal, and give back events, text or audio.
 * Audio crosses these interfaces as Float32 samples in [-1, 1] with an
 * explicit sample rate; callers resample (src/audio) where a model needs it.
 */
import type { EngineType, ModelKind } from "../models/catalog-schema.js";

export interface EngineInfo {
  kind: ModelKind;
  engine: EngineType;
  modelId: string;
  /** Rate the model works at (input for VAD/ASR, output for TTS); absent for the LLM. */
  sampleRate?: number;
  loadMs: number;
}

/** Everything an engine holds (a worker thread, a native model) is released by dispose(). */
export interface Engine {
  readonly info: EngineInfo;
  dispose(): Promise<void>;
}

/**
 * Who is waiting for the work: a caller on the line ("live", the default) or
 * nobody (voicemail, summaries, notification renders: "batch"). Engines shared
 * by both serve live work first; batch work uses what live calls leave.
 */
export type WorkPriority = "live" | "batch";

/**
 * An engine that serves live calls reports how long live work currently waits
 * on it because of other work (ms, a moving average that fades when idle).
 * Call admission and /metrics read it.
 */
export interface LiveQueue {
  readonly liveQueueDelayMs: number;
}

/** A push/iterate stream: push input, iterate events; close() ends both sides. */
export interface EngineStream<In, Event> extends AsyncIterable<Event> {
  push(input: In): void;
  /** No more input: the engine flushes what it holds (a last segment, a last final) and ends the events. */
  end(): void;
  /** Stops at once; pending events are dropped. */
  close(): void;
}

export interface AudioInput {
  samples: Float32Array;
  sampleRate: number;
}

// ---------- VAD ----------
/**
 * Times are audio positions (ms since the stream's first sample). `atMs` is
 * where the detector was when it decided: a speech-end comes a minimum
 * silence after `endMs`, so `atMs - endMs` is what the VAD itself costs a turn.
 */
export type VadEvent =
  | { type: "speech-start"; atMs: number }
  | { type: "speech-end"; startMs: number; endMs: number; atMs: number }
  /**
   * Early silence (only for a stream opened with `pauseMs`): a second detector, with `pauseMs` of minimum silence,
   * heard the speech stop at `endMs`, before the segment's own end (its minimum silence is longer). Not an end of
   * speech: a "resume" or the segment's "speech-end" follows.
   */
  | { type: "pause"; endMs: number; atMs: number }
  /** The early-silence detector hears speech again after a "pause". */
  | { type: "resume"; atMs: number };

export interface SpeechSegment {
  startMs: number;
  endMs: number;
}

export interface VadEngine extends Engine, LiveQueue {
  /** The model's rate (16 kHz for silero); `segments` takes audio at this rate. */
  readonly sampleRate: number;
  /**
   * A stream of audio at `inputRate` (default: the model's rate); the engine resamples off the event loop.
   * `pauseMs`: also report "pause" and "resume" (early silence of that length, for the turn model); engines
   * that cannot leave them out.
   */
  open(options: { signal: AbortSignal; inputRate?: number; pauseMs?: number }): EngineStream<Float32Array, VadEvent>;
  /** Speech segments of a whole recording (voicemail trimming): batch work, it yields to live streams as it goes. */
  segments(samples: Float32Array, options: { signal: AbortSignal }): Promise<SpeechSegment[]>;
}

// ---------- ASR ----------
export type AsrEvent =
  | { type: "partial"; text: string; audioMs: number }
  | { type: "final"; text: string; audioMs: number }
  /** The recogniser decided the utterance is over (trailing silence); a final precedes it when text was heard. */
  | { type: "endpoint"; audioMs: number };

/** A call's recognition stream. */
export interface AsrStream extends EngineStream<AudioInput, AsrEvent> {
  /**
   * The caller's turn is over: decode what the recogniser still holds back (a streaming model waits for a whole
   * chunk and its look-ahead, a few hundred ms of audio after the last word) as if silence followed, report it as a
   * final, then an endpoint, and start a fresh utterance. Taken in order after the audio pushed before it.
   */
  finalize(): void;
}

export interface StreamingAsr extends Engine, LiveQueue {
  readonly sampleRate: number;
  open(options: { signal: AbortSignal }): AsrStream;
}

export interface Transcript {
  text: string;
  /** Per-token timing where the model gives it. */
  tokens: { text: string; startMs: number }[];
  durationMs: number;
  language?: string;
}

export interface BatchAsr extends Engine {
  readonly sampleRate: number;
  /**
   * `language` (BCP 47, the agent's) is the language of the speech: a multilingual Whisper decodes in it instead
   * of guessing (see engines/asr/whisper-language.ts); models with a fixed language ignore it.
   */
  transcribe(audio: AudioInput, options: { signal: AbortSignal; language?: string | undefined }): Promise<Transcript>;
}

// ---------- LLM ----------
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; content: string };

export type JsonSchema = Record<string, unknown>;

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON schema of the arguments object. */
  parameters: JsonSchema;
}

export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
  /** From the call to the first generated token. */
  firstTokenMs: number | null;
  totalMs: number;
}

export type LlmDelta =
  | { type: "text"; text: string }
  | { type: "tool_call"; call: ToolCall }
  | { type: "done"; stopReason: "stop" | "length" | "tool_calls" | "abort"; usage: LlmUsage };

export interface ChatOptions {
  signal: AbortSignal;
  tools?: ToolSpec[];
  /** Constrains the reply to JSON matching this schema (a grammar at generation time). */
  schema?: JsonSchema;
  maxTokens?: number;
  temperature?: number;
  /** Conversations that pass the same key reuse the same KV cache slot when it is free. */
  sessionKey?: string;
  /** "live" (default) goes before "batch" in every decode step; batch requests use their own sequences. */
  priority?: WorkPriority;
}

export interface LlmEngine extends Engine, LiveQueue {
  chat(messages: ChatMessage[], options: ChatOptions): AsyncIterable<LlmDelta>;
  /** Tokens one conversation can hold (its KV-cache slot): prompt and reply together. */
  readonly contextSize: number;
  /** The reply limit chat() applies when options.maxTokens is not given. */
  readonly maxTokens: number;
  /**
   * The exact prompt size, in tokens, of these messages and tools for this
   * model: rendered by its chat template (tool documentation included) and
   * counted by its own tokenizer. Synchronous and cheap enough to call before
   * every turn (about a millisecond for a few thousand tokens).
   */
  countTokens(messages: ChatMessage[], tools?: ToolSpec[]): number;
  /**
   * Evaluates ahead of time the opening that conversations with these
   * messages and tools share (an agent's system prompt and tool
   * documentation), so their first turns do not prefill it. Optional: an
   * engine without prompt caching has nothing to prepare.
   */
  prepare?(messages: ChatMessage[], tools: ToolSpec[], signal: AbortSignal): Promise<void>;
  /**
   * A throwaway live reply to `messages`, made at start so the first call does not pay the engine's first-run
   * costs; it leaves no trace in the live queueing figures. Optional.
   */
  warmUp?(messages: ChatMessage[], tools: ToolSpec[], signal: AbortSignal): Promise<void>;
  /**
   * Reads ahead the part of a live conversation's next prompt that can no
   * longer change (the history and the caller's words so far, less the last
   * word), into the KV cache of the conversation's `sessionKey`, while the
   * caller is still speaking. The reply that follows then evaluates only the
   * rest. Best effort: it does nothing (returns 0) when the conversation's
   * LLM work is under way, no slot is free, or another caller's turn may be
   * ending (holdBatch), and never makes a reply wait longer than one short
   * evaluation. Returns the tokens it evaluated.
   */
  prefill?(messages: ChatMessage[], options: PrefillOptions): Promise<number>;
  /**
   * The live reply of `sessionKey` has handed its first words to TTS, and
   * `speaking` settles when they are audio: the engine may pause its
   * decoding until then (bounded), so the TTS has the cores, unless another
   * caller's reply is still waiting on the LLM for its own first words.
   * Returns whether it paused. Optional: an engine on its own hardware (a
   * GPU, a remote server) does not compete with the TTS.
   */
  yieldToSpeech?(sessionKey: string, speaking: Promise<unknown>): boolean;
  /**
   * A live call of `sessionKey` is connected until the returned function is called: its caller's turn may end at any
   * moment, and the reply then waits for the decode step under way, so batch work keeps its steps short for as long
   * as any call is connected, not only while a reply runs. Optional: an engine whose batch work never holds up a
   * reply has nothing to do.
   */
  liveCall?(sessionKey: string): () => void;
  /**
   * The caller of `sessionKey` has paused and their turn may be ending: batch work takes no decode step until the
   * returned function is called (once or more: the conversation does when the reply the caller hears has its first
   * words in audio, or the caller goes on) or a few seconds pass. Live work goes on. Optional, like liveCall.
   */
  holdBatch?(sessionKey: string): () => void;
}

export interface PrefillOptions {
  sessionKey: string;
  tools?: ToolSpec[];
  signal: AbortSignal;
}

// ---------- TTS ----------
export interface TtsChunk {
  samples: Float32Array;
  sampleRate: number;
  /** Which sentence of the input this audio belongs to. */
  sentence: number;
  /** The sentence's text, on its first chunk (for "what was actually played"). */
  text?: string;
}

export interface SynthesizeOptions {
  signal: AbortSignal;
  /** "live" (default) sentences are rendered before queued "batch" ones. */
  priority?: WorkPriority;
  /**
   * Asked as each sentence is queued: whether the caller hears silence until it is ready (nothing of this call
   * plays). Such a live sentence goes before live sentences queued behind audio that is still playing.
   */
  urgent?: () => boolean;
  speakerId?: number;
  speed?: number;
  /** BCP 47 tag of the text: picks the sentence rules and how dates, times, money and numbers are read aloud. */
  language?: string;
}

export interface TtsEngine extends Engine, LiveQueue {
  readonly sampleRate: number;
  /** Streams audio sentence by sentence, so the first sentence can play while the rest is made. */
  synthesize(text: string, options: SynthesizeOptions): AsyncIterable<TtsChunk>;
}

// ---------- Turn ----------
export interface TurnPrediction {
  /** The model's verdict at its threshold: the caller has finished their turn. */
  complete: boolean;
  /** P(complete), 0..1. */
  probability: number;
  /** Wall time of the call as its caller saw it: queueing, transfer, features and inference. */
  ms: number;
  /** The model's own share in its worker: features and inference. */
  modelMs: number;
}

/**
 * Semantic end of turn: after the caller falls silent, has the caller
 * finished, or only paused? Reads the end of the turn's audio (prosody and
 * words as heard, no transcript).
 */
export interface TurnDetector extends Engine, LiveQueue {
  /** The rate the model reads (16 kHz for Smart Turn); `predict` resamples any other. */
  readonly sampleRate: number;
  /** How much of the end of the audio the model reads (8 s for Smart Turn); anything earlier is ignored. */
  readonly windowMs: number;
  /** P(complete) above this is a finished turn. */
  readonly threshold: number;
  /** The verdict on `audio`: the caller's turn so far, ending now (typically after a short silence). */
  predict(audio: AudioInput, options: { signal: AbortSignal }): Promise<TurnPrediction>;
  /** How long a prediction has taken lately (the median of the last few, as `TurnPrediction.ms`); 0 before any. */
  readonly recentMs?: number;
}

// ---------- text embeddings ----------
/** What a text is embedded as: a caller's question (live) or a passage of a document (batch). Models may prefix them differently. */
export type EmbedPurpose = "query" | "document";

export interface EmbedOptions {
  purpose: EmbedPurpose;
  signal: AbortSignal;
}

export interface EmbedEngine extends Engine {
  /** Length of every vector. */
  readonly dimensions: number;
  /** Most tokens of one text the model reads; a longer text is cut to fit (its tail is not embedded). */
  readonly maxTokens: number;
  countTokens(text: string): number;
  /**
   * One unit-length vector per text (cosine similarity is their dot product).
   * Queries never wait behind documents: a caller on the line asked them.
   */
  embed(texts: readonly string[], options: EmbedOptions): Promise<Float32Array[]>;
}

export interface EngineSet {
  vad: VadEngine;
  asrStreaming: StreamingAsr;
  asrBatch: BatchAsr;
  llm: LlmEngine;
  tts: TtsEngine;
  /** The end-of-turn model, when the profile has one installed; without it turns end on silence alone. */
  turn?: TurnDetector;
}
