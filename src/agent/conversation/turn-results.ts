import type { AgentTurnResult } from "./agent-turn.js";
import type { Utterance } from "./listener.js";
import type { TurnRecord, TurnTiming } from "./types.js";

/** A turn that produced nothing (it failed before any reply, or was interrupted at once). */
export function emptyTurn(interrupted: boolean): AgentTurnResult {
  return {
    spoken: "",
    interrupted,
    messages: [],
    after: null,
    toolCalls: [],
    sources: [],
    llmFirstTokenAt: null,
    llmPromptTokens: null,
    firstChunkAt: null,
    firstWordsPaused: false,
    openingRecalled: false,
    ttsFirstAudioAt: null,
    firstRtpAt: null,
    failure: null,
    contextFit: null,
  };
}

/** Where a turn's time went, measured from the caller's end of speech. */
export function turnTiming(u: Utterance, r: AgentTurnResult): TurnTiming {
  const rel = (t: number | null) => (t === null ? null : Math.round(t - u.speechEndAt));
  return {
    endpointMs: rel(u.decidedAt),
    asrFinalMs: Math.max(0, Math.round(u.textAt - u.speechEndAt)),
    llmFirstTokenMs: rel(r.llmFirstTokenAt),
    ...(r.llmPromptTokens !== null ? { llmPromptTokens: r.llmPromptTokens } : {}),
    ...(r.firstChunkAt !== null ? { firstChunkMs: rel(r.firstChunkAt) } : {}),
    ...(r.firstWordsPaused ? { firstWordsPaused: true } : {}),
    ...(r.openingRecalled ? { openingRecalled: true } : {}),
    ttsFirstAudioMs: rel(r.ttsFirstAudioAt),
    firstRtpMs: rel(r.firstRtpAt),
    endedBy: u.by,
    ...(u.model ? { turnModel: u.model } : {}),
    ...(u.speculation ? { speculation: u.speculation } : {}),
  };
}

/** The record of an agent turn that has ended: what was played of it, how it ended, and its timing when it answered the caller. */
export function agentTurnRecord(
  result: AgentTurnResult,
  source: TurnRecord["source"],
  u: Utterance | null,
): Omit<TurnRecord, "index"> {
  return {
    role: "agent",
    text: result.spoken,
    source,
    at: Date.now(),
    ...(result.interrupted ? { interrupted: true } : {}),
    ...(result.failure ? { failed: true, failure: result.failure } : {}),
    ...(result.toolCalls.length ? { toolCalls: result.toolCalls } : {}),
    ...(result.sources.length ? { sources: result.sources } : {}),
    ...(u ? { timing: turnTiming(u, result) } : {}),
    ...(result.contextFit ? { contextFit: result.contextFit } : {}),
  };
}
