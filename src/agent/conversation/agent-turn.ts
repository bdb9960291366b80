import type { ChatMessage, LlmEngine, ToolCall } from "../../engines/types.js";
import { SentenceChunker } from "../../engines/tts/sentences.js";
import { isAbortError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { AfterTurn, ToolContext, ToolOutcome } from "../tools/index.js";
import type { ToolSet } from "../tools/index.js";
import { playedPart, type Speaker, type Utterance } from "./speaker.js";

export interface AgentTurnDeps {
  llm: LlmEngine;
  speaker: Speaker;
  tools: ToolSet;
  toolContext: (signal: AbortSignal) => ToolContext;
  sessionKey: string;
  fillerAfterMs: number;
  filler: string;
  logger: Logger;
  /** Called when the filler is said (turn records). */
  onFiller?: () => void;
}

export interface AgentTurnResult {
  /** What the caller actually heard. */
  spoken: string;
  interrupted: boolean;
  /** What to add to the history: only what was played, plus tool calls and their results. */
  messages: ChatMessage[];
  after: AfterTurn | null;
  toolCalls: { name: string; arguments: Record<string, unknown>; result: unknown }[];
  llmFirstTokenAt: number | null;
  ttsFirstAudioAt: number | null;
  firstRtpAt: number | null;
}

const MAX_TOOL_ROUNDS = 3;

/**
 * One agent reply: the LLM streams, each finished sentence goes to TTS at
 * once (the first plays while the rest is generated), tool calls run (with a
 * filler when slow), and the reply continues from their results. Aborting the
 * signal (barge-in) stops generation and synthesis; the result then says how
 * much was actually played.
 */
export async function runAgentTurn(deps: AgentTurnDeps, history: ChatMessage[], signal: AbortSignal): Promise<AgentTurnResult> {
  const messages: ChatMessage[] = [];
  const rounds: { utterances: Utterance[]; calls: ToolCall[]; results: ChatMessage[] }[] = [];
  const toolLog: AgentTurnResult["toolCalls"] = [];
  let after: AfterTurn | null = null;
  let llmFirstTokenAt: number | null = null;
  let interrupted = false;
  try {
    for (let round = 0; round <= MAX_TOOL_ROUNDS; round++) {
      const current = { utterances: [] as Utterance[], calls: [] as ToolCall[], results: [] as ChatMessage[] };
      rounds.push(current);
      const chunker = new SentenceChunker();
      const say = (s: string) => current.utterances.push(deps.speaker.say(s, signal));
      const withTools = round < MAX_TOOL_ROUNDS && deps.tools.specs.length > 0;
      for await (const d of deps.llm.chat([...history, ...messagesFor(rounds.slice(0, -1))], { signal, sessionKey: deps.sessionKey, ...(withTools ? { tools: deps.tools.specs } : {}) })) {
        if (d.type === "text") {
          llmFirstTokenAt ??= performance.now();
          for (const s of chunker.push(d.text)) say(s);
        } else if (d.type === "tool_call") {
          llmFirstTokenAt ??= performance.now();
          current.calls.push(d.call);
        }
      }
      for (const s of chunker.flush()) say(s);
      if (current.calls.length === 0) break;
      for (const call of current.calls) {
        const outcome = await runTool(deps, call, signal, () => deps.speaker.audioIdle());
        toolLog.push({ name: call.name, arguments: call.arguments, result: outcome.result });
        current.results.push({ role: "tool", toolCallId: call.id, content: JSON.stringify(outcome.result) });
        after = outcome.after ?? after;
      }
    }
  } catch (err) {
    if (!isAbortError(err) && !signal.aborted) throw err;
    interrupted = true;
  }
  // What was heard: wait for each sentence to finish playing or be cut.
  const utterances = rounds.flatMap((r) => r.utterances);
  const results = await Promise.all(utterances.map((u) => u.playback.done));
  if (results.some((r) => !r.completed)) interrupted = true;
  const played = new Map(utterances.map((u, i) => [u, playedPart(u.text, results[i]!.playedSamples, results[i]!.queuedSamples, results[i]!.completed)]));
  for (const r of rounds) {
    const text = r.utterances.map((u) => played.get(u) ?? "").filter(Boolean).join(" ");
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
    after: interrupted ? null : after,
    toolCalls: toolLog,
    llmFirstTokenAt,
    ttsFirstAudioAt: firstAudio,
    firstRtpAt: firstRtp,
  };
}

function messagesFor(rounds: { utterances: Utterance[]; calls: ToolCall[]; results: ChatMessage[] }[]): ChatMessage[] {
  return rounds.flatMap((r) => [{ role: "assistant" as const, content: r.utterances.map((u) => u.text).join(" "), toolCalls: r.calls }, ...r.results]);
}

/** Runs a tool; when it is slower than fillerAfterMs and nothing is playing, the caller hears the filler. */
async function runTool(deps: AgentTurnDeps, call: ToolCall, signal: AbortSignal, idle: () => boolean): Promise<ToolOutcome> {
  const handler = deps.tools.get(call.name);
  if (!handler) return { result: { error: `there is no tool named ${call.name}` } };
  const run = handler.run(call.arguments, deps.toolContext(signal)).catch((err: unknown): ToolOutcome => {
    if (signal.aborted) throw err;
    deps.logger.warn({ tool: call.name, err: (err as Error).message }, "tool failed");
    return { result: { error: "the tool failed; apologise and offer another way to help" } };
  });
  let timer: NodeJS.Timeout | undefined;
  const filler = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      if (idle() && !signal.aborted) {
        deps.onFiller?.();
        deps.speaker.say(deps.filler, signal);
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
