import type { ChatMessage, LlmEngine, ToolCall } from "../../engines/types.js";
import { FIRST_CLAUSE, SentenceChunker } from "../../engines/tts/sentences.js";
import { abortable } from "../../lib/abort.js";
import { describeError, isAbortError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { AfterTurn, ToolContext, ToolOutcome } from "../tools/index.js";
import type { ToolSet } from "../tools/index.js";
import type { TurnSource } from "../../store/records/call-turn.js";
import type { ContextFit, ContextWindow } from "./context-window.js";
import { playedPart, type TurnVoice, type Utterance } from "./speaker.js";
import { atStage, failureOf, TurnStageError, type TurnFailure } from "./turn-failure.js";

export interface AgentTurnDeps {
  llm: LlmEngine;
  /** Where the reply's sentences go: speech on a call, text in the chat playground. */
  speaker: TurnVoice;
  tools: Pick<ToolSet, "specs" | "get">;
  toolContext: (signal: AbortSignal) => ToolContext;
  sessionKey: string;
  fillerAfterMs: number;
  /** The agent's language: where its sentences end (abbreviations, ordinals). */
  language?: string;
  filler: string;
  logger: Logger;
  /** Keeps the prompt within the model's context. */
  window: ContextWindow;
  /** What the caller hears when the turn fails (the fallback line, or the offer to take a message). */
  fallbackLine: string;
  /** Called when the filler is said (turn records). */
  onFiller?: () => void;
  /**
   * A speculative reply (started on the interim transcript) runs no tool until it is kept: tools act on the
   * world (hang up, transfer, book), and a discarded reply must leave no trace. Its signal aborts when discarded.
   */
  untilKept?: Promise<void>;
  /** The reply handed its first words to the speaker; `audio` settles when they are audio (or cannot be). */
  firstWords?: (audio: Promise<unknown>) => void;
}

export interface AgentTurnResult {
  /** What the caller actually heard. */
  spoken: string;
  interrupted: boolean;
  /** What to add to the history: only what was played, plus tool calls and their results. */
  messages: ChatMessage[];
  after: AfterTurn | null;
  toolCalls: { name: string; arguments: Record<string, unknown>; result: unknown }[];
  /** Knowledge chunks the turn's tools gave the model (search_knowledge), in the order it got them. */
  sources: TurnSource[];
  llmFirstTokenAt: number | null;
  /**
   * Prompt tokens the turn's first LLM call evaluated before the one its first token is sampled from (llama.cpp's
   * input count): what the saved opening and the read-ahead left it.
   */
  llmPromptTokens: number | null;
  /** When the reply's first chunk (its first clause or sentence) went to TTS. */
  firstChunkAt: number | null;
  /** The LLM paused its decoding while that chunk was synthesised (no other caller waited on it). */
  firstWordsPaused: boolean;
  /** The reply's first words played from memory: the agent's voice said the same words before (Speaker.say). */
  openingRecalled: boolean;
  ttsFirstAudioAt: number | null;
  firstRtpAt: number | null;
  /** Set when the turn failed (the fallback line was said instead of, or after, what the model produced). */
  failure: TurnFailure | null;
  /** How the prompt fit the context (the turn's last LLM call; `trimmed` from any call of the turn that trimmed). */
  contextFit: ContextFit | null;
}

const MAX_TOOL_ROUNDS = 3;

/**
 * One agent reply: the LLM streams, each finished sentence goes to TTS at
 * once (the first plays while the rest is generated), tool calls run (with a
 * filler when slow), and the reply continues from their results. Aborting the
 * signal (barge-in) stops generation and synthesis; the result then says how
 * much was actually played. A failure anywhere (the prompt cannot fit, the
 * LLM, a tool or TTS throws) ends the turn with the fallback line after what
 * was already played: the caller is never left in silence.
 */
export async function runAgentTurn(
  deps: AgentTurnDeps,
  history: ChatMessage[],
  signal: AbortSignal,
): Promise<AgentTurnResult> {
  const messages: ChatMessage[] = [];
  const rounds: Round[] = [];
  const toolLog: AgentTurnResult["toolCalls"] = [];
  const sources: TurnSource[] = [];
  let after: AfterTurn | null = null;
  let llmFirstTokenAt: number | null = null;
  let llmPromptTokens: number | null = null;
  let firstChunkAt: number | null = null;
  let firstWordsPaused = false;
  let openingRecalled = false;
  let interrupted = false;
  let failure: TurnFailure | null = null;
  let contextFit: ContextFit | null = null;
  let trimmed: ContextFit["trimmed"];
  try {
    for (let round = 0; round <= MAX_TOOL_ROUNDS; round++) {
      const current: Round = { utterances: [], calls: [], results: [] };
      rounds.push(current);
      // The reply's first words go to TTS at their first clause, so the caller hears them sooner; the rest by sentence.
      const chunker = new SentenceChunker(deps.language, round === 0 ? FIRST_CLAUSE : undefined);
      const say = (s: string) => {
        const first = firstChunkAt === null;
        firstChunkAt ??= performance.now();
        const utterance = deps.speaker.say(s, signal, { opening: first });
        current.utterances.push(utterance);
        // The rest of the reply can wait while these words are made: the caller hears nothing until they are.
        if (first) {
          openingRecalled = utterance.recalled === true;
          deps.firstWords?.(utterance.firstAudio);
          firstWordsPaused = deps.llm.yieldToSpeech?.(deps.sessionKey, utterance.firstAudio) ?? false;
        }
      };
      const withTools = round < MAX_TOOL_ROUNDS && deps.tools.specs.length > 0;
      const fitted = await atStage("context", signal, async () =>
        deps.window.fit([...history, ...messagesFor(rounds.slice(0, -1))]),
      );
      trimmed = fitted.fit.trimmed ?? trimmed;
      contextFit = { ...fitted.fit, ...(trimmed ? { trimmed } : {}) };
      await atStage("llm", signal, async () => {
        for await (const d of deps.llm.chat(fitted.messages, {
          signal,
          sessionKey: deps.sessionKey,
          ...(withTools ? { tools: deps.tools.specs } : {}),
        })) {
          if (d.type === "text") {
            llmFirstTokenAt ??= performance.now();
            for (const s of chunker.push(d.text)) say(s);
          } else if (d.type === "tool_call") {
            llmFirstTokenAt ??= performance.now();
            current.calls.push(d.call);
          } else if (d.type === "done") llmPromptTokens ??= d.usage.promptTokens;
        }
      });
      for (const s of chunker.flush()) say(s);
      if (current.calls.length === 0) break;
      if (deps.untilKept) await abortable(deps.untilKept, signal);
      for (const call of current.calls) {
        const { outcome, crash } = await runTool(deps, call, signal, () => deps.speaker.audioIdle());
        toolLog.push({ name: call.name, arguments: call.arguments, result: outcome.result });
        for (const s of outcome.sources ?? []) if (!sources.some((k) => k.chunkId === s.chunkId)) sources.push(s);
        current.results.push({ role: "tool", toolCallId: call.id, content: JSON.stringify(outcome.result) });
        after = outcome.after ?? after;
        if (crash !== undefined) throw new TurnStageError("tool", crash);
      }
    }
  } catch (err) {
    if (isAbortError(err) || signal.aborted) interrupted = true;
    else failure = failureOf(err);
  }
  // What was heard: wait for each sentence to finish playing or be cut.
  let utterances = rounds.flatMap((r) => r.utterances);
  let results = await Promise.all(utterances.map((u) => u.playback.done));
  const ttsError = (await Promise.all(utterances.map((u) => u.ttsError))).find((e) => e !== undefined);
  if (failure === null && ttsError !== undefined)
    failure = { stage: "tts", message: describeError(ttsError).slice(0, 300) };
  if (failure !== null && !signal.aborted) {
    // Said after whatever already played, as part of this turn: barge-in cuts it like any reply.
    const fallback = deps.speaker.sayPhrase(deps.fallbackLine, "fallback", signal);
    rounds.push({ utterances: [fallback], calls: [], results: [] });
    utterances = [...utterances, fallback];
    results = [...results, await fallback.playback.done];
  }
  if (results.some((r) => !r.completed) && (failure === null || signal.aborted)) interrupted = true;
  const played = new Map(
    utterances.map((u, i) => [
      u,
      playedPart(u.text, results[i]!.playedSamples, results[i]!.queuedSamples, results[i]!.completed),
    ]),
  );
  for (const r of rounds) {
    const text = r.utterances
      .map((u) => played.get(u) ?? "")
      .filter(Boolean)
      .join(" ");
    if (r.calls.length > 0) {
      messages.push({ role: "assistant", content: text, toolCalls: r.calls }, ...r.results);
    } else if (text) messages.push({ role: "assistant", content: text });
  }
  const firstAudio = await firstOf(utterances.map((u) => u.firstAudio));
  const firstRtp = await firstOf(utterances.map((u) => u.playback.started ?? Promise.resolve(null)));
  return {
    spoken: [...played.values()].filter(Boolean).join(" "),
    interrupted,
    messages,
    // What a tool already did stands: a transfer or a message the caller asked for still happens after the fallback line.
    after: interrupted ? null : after,
    toolCalls: toolLog,
    sources,
    llmFirstTokenAt,
    llmPromptTokens,
    firstChunkAt,
    firstWordsPaused,
    openingRecalled,
    ttsFirstAudioAt: firstAudio,
    firstRtpAt: firstRtp,
    failure,
    contextFit,
  };
}

interface Round {
  utterances: Utterance[];
  calls: ToolCall[];
  results: ChatMessage[];
}

function messagesFor(rounds: Round[]): ChatMessage[] {
  return rounds.flatMap((r) => [
    { role: "assistant" as const, content: r.utterances.map((u) => u.text).join(" "), toolCalls: r.calls },
    ...r.results,
  ]);
}

/**
 * Runs a tool; when it is slower than fillerAfterMs and nothing is playing,
 * the caller hears the filler. A handler that throws is a crash (the turn
 * fails); the model still gets an error result, so the history stays whole.
 */
async function runTool(
  deps: AgentTurnDeps,
  call: ToolCall,
  signal: AbortSignal,
  idle: () => boolean,
): Promise<{ outcome: ToolOutcome; crash?: unknown }> {
  const handler = deps.tools.get(call.name);
  if (!handler) return { outcome: { result: { error: `there is no tool named ${call.name}` } } };
  const run = handler.run(call.arguments, deps.toolContext(signal)).then(
    (outcome) => ({ outcome }),
    (err: unknown) => {
      if (signal.aborted) throw err;
      deps.logger.warn({ tool: call.name, err: describeError(err) }, "tool failed");
      return { outcome: { result: { error: "the tool failed" } }, crash: err };
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const filler = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      if (idle() && !signal.aborted) {
        deps.onFiller?.();
        deps.speaker.sayPhrase(deps.filler, "filler", signal);
      }
      resolve();
    }, deps.fillerAfterMs);
  });
  try {
    return await run;
  } finally {
    clearTimeout(timer);
    void filler;
  }
}

async function firstOf(times: Promise<number | null>[]): Promise<number | null> {
  const values = (await Promise.all(times)).filter((t): t is number => t !== null);
  return values.length ? Math.min(...values) : null;
}
