import { systemMessage } from "../../agent/conversation/system-message.js";
import type { AgentDefinition } from "../../agent/definition.js";
import { parseAgent } from "../../agent/load.js";
import { ToolSet } from "../../agent/tools/index.js";
import type { ParleyConfig } from "../../config/index.js";
import { createEngine } from "../../engines/factory.js";
import type { LlmEngine, TtsEngine } from "../../engines/types.js";
import type { Knowledge } from "../../knowledge/index.js";
import { median } from "../stats.js";
import { profileModelRef } from "./profile-model.js";
import {
  directSample,
  searchSample,
  stats,
  statsOf,
  type DirectSample,
  type SearchSample,
  type Stats,
} from "./turn-figures.js";
import { timeTurn, type TurnRig, type TurnTimeline } from "./turn-run.js";
import { callerSays, TURN_ANSWER, TURN_FACT, TURN_QUESTION, turnLlm } from "./turn-script.js";

export interface KnowledgeTurnOptions {
  config: ParleyConfig;
  cwd: string;
  /** Where the scripted LLM is generated (once). */
  cacheDir: string;
  /** The knowledge base holding the FAQ, and the agent it belongs to. */
  knowledge: Knowledge;
  agent: string;
  /** Timed turns per path (after one warm-up turn each). */
  runs: number;
  log: (line: string) => void;
}

const DIRECT_KEYS = ["firstTokenMs", "firstAudioMs"] as const;
const SEARCH_KEYS = [
  "firstTokenMs",
  "firstAudioMs",
  "callMs",
  "betweenPassesMs",
  "searchMs",
  "secondPassMs",
  "passagesPrefillMs",
  "decodeMsPerToken",
] as const;

/** What search_knowledge adds to a live turn: the same question answered directly and through the search. */
export interface KnowledgeTurnReport {
  llmModel: string;
  llmContextSize: number;
  /** The real model the LLM double stands in for (null on tiny). */
  standsInFor: string | null;
  ttsModel: string;
  question: string;
  answer: string;
  runs: number;
  /** Answered from the agent's prompt, no tool: ms from the turn's start. */
  direct: Record<(typeof DIRECT_KEYS)[number], Stats>;
  /** Answered through search_knowledge: the totals and their parts, ms from the turn's start. */
  search: Partial<Record<(typeof SEARCH_KEYS)[number], Stats>>;
  /** search minus direct, run by run (each run does both, back to back). */
  addedMs: { firstToken: Stats; firstAudio: Stats };
  /** Tokens (medians over the runs): what each pass evaluated before answering, and the call's length. */
  tokens: { directPrompt: number; call: number; secondPassPrompt: number };
  /** Fillers said while the tool ran (the search took longer than the agent's fillerAfterMs). */
  fillers: number;
  samples: { direct: DirectSample; search: SearchSample }[];
}

const SYSTEM = "You are the receptionist of a group of dental clinics. Keep replies short.";
const GREETING = "Hello, Brightwater Dental, how can I help?";

/**
 * `parley bench knowledge`'s turn section: the profile's LLM (with the turn
 * script) and TTS answer the same question `runs` times each way, the two
 * ways interleaved, after one warm-up of each. Null, with the reason logged,
 * when the profile's LLM is a real model.
 */
export async function benchKnowledgeTurn(o: KnowledgeTurnOptions): Promise<KnowledgeTurnReport | null> {
  const scripted = await turnLlm(o.config, o.cwd, o.cacheDir, o.log);
  if ("skip" in scripted) {
    o.log(`turn section skipped: ${scripted.skip}`);
    return null;
  }
  const ttsRef = await profileModelRef(o.config, o.cwd, "tts", o.log);
  if (!ttsRef) throw new Error(`profile ${o.config.profile} has no TTS model`);
  const signal = new AbortController().signal;
  let llm: LlmEngine | null = null;
  let tts: TtsEngine | null = null;
  try {
    llm = await createEngine("llm", scripted.ref, o.config);
    tts = await createEngine("tts", ttsRef, o.config);
    const live = { greeting: GREETING };
    const direct = parseAgent({ name: `${o.agent}-direct`, systemPrompt: `${SYSTEM} ${TURN_FACT}`, live }, "bench");
    const search = parseAgent(
      { name: o.agent, systemPrompt: SYSTEM, tools: [{ type: "builtin", name: "search_knowledge" }], live },
      "bench",
    );
    // As the server does at start: each agent's opening (system prompt and tool documentation) evaluated once.
    for (const a of [direct, search]) await llm.prepare?.([systemMessage(a)], new ToolSet(a).specs, signal);
    const rig: TurnRig = { llm, tts, knowledge: o.knowledge };
    let callers = 0;
    const turn = (a: AgentDefinition, key: string) => timeTurn(rig, a, callerSays(++callers), key, signal);
    o.log(`turns: "${TURN_QUESTION}" answered directly and through search_knowledge, ${o.runs} runs each`);
    directSample(await turn(direct, "kb-direct-warm"), TURN_ANSWER);
    searchSample(await turn(search, "kb-search-warm"), TURN_ANSWER);
    const samples: KnowledgeTurnReport["samples"] = [];
    let fillers = 0;
    for (let i = 0; i < o.runs; i++) {
      // Alternate which goes first, so a slow moment of the machine falls on both alike.
      let d: TurnTimeline;
      let s: TurnTimeline;
      if (i % 2 === 0) {
        d = await turn(direct, `kb-direct-${i}`);
        s = await turn(search, `kb-search-${i}`);
      } else {
        s = await turn(search, `kb-search-${i}`);
        d = await turn(direct, `kb-direct-${i}`);
      }
      fillers += s.fillers + d.fillers;
      samples.push({ direct: directSample(d, TURN_ANSWER), search: searchSample(s, TURN_ANSWER) });
    }
    const report: KnowledgeTurnReport = {
      llmModel: scripted.ref.model.id,
      llmContextSize: llm.contextSize,
      standsInFor: scripted.ref.model.standsInFor ?? null,
      ttsModel: ttsRef.model.id,
      question: TURN_QUESTION,
      answer: TURN_ANSWER,
      runs: o.runs,
      direct: statsOf(
        samples.map((x) => x.direct),
        DIRECT_KEYS,
      ) as KnowledgeTurnReport["direct"],
      search: statsOf(
        samples.map((x) => x.search),
        SEARCH_KEYS,
      ),
      addedMs: {
        firstToken: stats(samples.map((x) => x.search.firstTokenMs - x.direct.firstTokenMs)),
        firstAudio: stats(samples.map((x) => x.search.firstAudioMs - x.direct.firstAudioMs)),
      },
      tokens: {
        directPrompt: median(samples.map((x) => x.direct.promptTokens)),
        call: median(samples.map((x) => x.search.callTokens)),
        secondPassPrompt: median(samples.map((x) => x.search.secondPassPromptTokens)),
      },
      fillers,
      samples,
    };
    o.log(
      `turn: first audio p50 ${report.direct.firstAudioMs.p50} ms directly, ${report.search.firstAudioMs?.p50} ms through the search (+${report.addedMs.firstAudio.p50} ms)`,
    );
    return report;
  } finally {
    await Promise.allSettled([llm?.dispose(), tts?.dispose()]);
  }
}
