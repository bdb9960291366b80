import { ParleyError } from "../../lib/errors.js";
import { percentile, round } from "../stats.js";
import type { TurnTimeline } from "./turn-run.js";

/** A turn answered straight from the prompt (no tool), ms from the turn's start. */
export interface DirectSample {
  firstTokenMs: number;
  firstAudioMs: number;
  /** Tokens the LLM evaluated before answering (what was not in its KV cache: the greeting and the question). */
  promptTokens: number;
}

/** A turn answered through search_knowledge, ms from the turn's start; firstTokenMs = callMs + betweenPassesMs + secondPassMs. */
export interface SearchSample {
  firstTokenMs: number;
  firstAudioMs: number;
  /** The first pass: the question read, the call decoded, until node-llama-cpp hands the call over. */
  callMs: number;
  /** Call tokens the first pass generated. */
  callTokens: number;
  /** From the call to the second pass's start: the search, its result as JSON, the prompt fitted again. */
  betweenPassesMs: number;
  /** The knowledge search alone (embedding the query, both lists, fusion), within betweenPassesMs. */
  searchMs: number;
  /** The second pass, from its start to the reply's first token: the passages read, then one token decoded. */
  secondPassMs: number;
  /** Tokens the second pass evaluated before answering: the call and the passages (the rest was cached). */
  secondPassPromptTokens: number;
  /** One decoding step of the second pass (its reply's later tokens), to split secondPassMs; null under 2 tokens. */
  decodeMsPerToken: number | null;
  /** secondPassMs less one decoding step: reading the passages. */
  passagesPrefillMs: number | null;
}

export interface Stats {
  p50: number;
  p95: number;
}

export function stats(xs: number[]): Stats {
  return { p50: round(percentile(xs, 50), 1), p95: round(percentile(xs, 95), 1) };
}

/** Where a turn went wrong for the bench: the script did not play out, so its figures would mean nothing. */
function unexpected(path: string, t: TurnTimeline, expected: string, why: string): ParleyError {
  return new ParleyError(
    "bench_turn_unexpected",
    `the ${path} turn ${why}: it said ${JSON.stringify(t.result.spoken)} (expected ${JSON.stringify(expected)})` +
      `${t.result.failure ? `, failed at ${t.result.failure.stage}: ${t.result.failure.message}` : ""}` +
      `, tool calls: ${t.result.toolCalls.map((c) => c.name).join(", ") || "none"}`,
  );
}

export function directSample(t: TurnTimeline, answer: string): DirectSample {
  const chat = t.chats[0];
  if (t.result.failure || t.result.toolCalls.length > 0 || t.result.spoken !== answer || t.chats.length !== 1)
    throw unexpected("direct", t, answer, "did not answer straight from its prompt");
  if (!chat?.firstTextAt || t.replyAudioAt === null)
    throw unexpected("direct", t, answer, "has no first token or no audio");
  return {
    firstTokenMs: round(chat.firstTextAt - t.startedAt, 1),
    firstAudioMs: round(t.replyAudioAt - t.startedAt, 1),
    promptTokens: chat.usage?.promptTokens ?? 0,
  };
}

export function searchSample(t: TurnTimeline, answer: string): SearchSample {
  const [call, reply] = t.chats;
  const search = t.searches[0];
  const used = t.result.toolCalls.map((c) => c.name).join(",");
  if (t.result.failure || used !== "search_knowledge" || t.result.spoken !== answer || t.chats.length !== 2)
    throw unexpected("search", t, answer, "did not search once and answer from the passages");
  if (t.result.sources.length === 0) throw unexpected("search", t, answer, "recorded no sources");
  if (!call?.toolCallAt || !reply?.firstTextAt || !search || t.replyAudioAt === null)
    throw unexpected("search", t, answer, "is missing a moment (call, search, first token or audio)");
  const secondPassMs = reply.firstTextAt - reply.startedAt;
  const u = reply.usage;
  const decode =
    u && u.firstTokenMs !== null && u.completionTokens > 1
      ? (u.totalMs - u.firstTokenMs) / (u.completionTokens - 1)
      : null;
  return {
    firstTokenMs: round(reply.firstTextAt - t.startedAt, 1),
    firstAudioMs: round(t.replyAudioAt - t.startedAt, 1),
    callMs: round(call.toolCallAt - t.startedAt, 1),
    callTokens: call.usage?.completionTokens ?? 0,
    betweenPassesMs: round(reply.startedAt - call.toolCallAt, 1),
    searchMs: round(search.endedAt - search.startedAt, 1),
    secondPassMs: round(secondPassMs, 1),
    secondPassPromptTokens: u?.promptTokens ?? 0,
    decodeMsPerToken: decode === null ? null : round(decode, 1),
    passagesPrefillMs: decode === null ? null : round(Math.max(0, secondPassMs - decode), 1),
  };
}

/** p50/p95 of each numeric field over the samples (null fields left out). */
export function statsOf<S extends object>(samples: S[], keys: readonly (keyof S & string)[]): Record<string, Stats> {
  const out: Record<string, Stats> = {};
  for (const k of keys) {
    const xs = samples.map((s) => s[k]).filter((v): v is S[typeof k] & number => typeof v === "number");
    if (xs.length) out[k] = stats(xs);
  }
  return out;
}
