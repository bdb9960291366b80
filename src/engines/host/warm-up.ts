import type { ChatMessage, LlmEngine, ToolSpec, TtsEngine, TurnDetector } from "../types.js";

/**
 * First runs after a load are slow: onnxruntime grows its memory arena on the
 * first two runs of a shape (and a TTS voice on each longer sentence than it
 * has read so far), llama.cpp and node-llama-cpp set up what a reply
 * needs (and V8 compiles that code) on the first one. On `load-small` the
 * first call after a start took 50 ms longer in the turn model and 140–200 ms
 * longer to the LLM's first token than the calls after it. These runs pay that
 * at start, through the same path a call takes, on the raw engines (before
 * their metrics are attached). The LLM then forgets its run's waits, so call
 * admission starts from an idle LLM; the turn model's runs leave only their
 * hand-over time (about a millisecond, fading within seconds) in its own
 * queueing figure, which admission does not read.
 */

/** Runs the turn model on silence, twice (its input is always one window long, so one shape). */
export async function warmUpTurn(turn: TurnDetector, signal: AbortSignal): Promise<void> {
  const audio = { samples: new Float32Array((turn.sampleRate * turn.windowMs) / 1000), sampleRate: turn.sampleRate };
  for (let i = 0; i < 2; i++) await turn.predict(audio, { signal });
}

/** A caller's first turn to an agent (its prepared opening), as the LLM's own warm-up; nothing without one. */
export async function warmUpLlm(
  llm: LlmEngine,
  prompt: { messages: ChatMessage[]; tools: ToolSpec[] } | undefined,
  signal: AbortSignal,
): Promise<void> {
  const messages: ChatMessage[] = [...(prompt?.messages ?? []), { role: "user", content: "Hello, are you there?" }];
  await llm.warmUp?.(messages, prompt?.tools ?? [], signal);
}

/**
 * One sentence as long as the sentence chunker lets through whole (SENTENCE_SOFT_LIMIT, 180 characters): plain
 * words (no digits to read aloud), in English whatever the voice, since only its length matters.
 */
export const TTS_WARM_UP_SENTENCE =
  "Thank you for calling the practice, our opening hours are from eight in the morning until six in the evening, " +
  "Monday to Friday, and on Saturdays from nine in the morning until one.";

/**
 * Renders the longest sentence a reply can hand the TTS, once. A voice's renders are slow until it has read a
 * sentence at least as long (its onnxruntime memory grows to fit): on `load-small`, a fresh voice took 680-800 ms
 * for a first sentence of 42-46 characters and 2.6 s for one of 152, against about 100 and 350-440 ms once warm;
 * after this one render every length took its warm time. Phrase warm-up renders nothing where the TTS cache already
 * holds the phrases (every restart), so without this the first callers after a restart paid it.
 */
export async function warmUpTts(tts: TtsEngine, signal: AbortSignal): Promise<void> {
  for await (const chunk of tts.synthesize(TTS_WARM_UP_SENTENCE, { signal, priority: "batch" })) void chunk;
}
