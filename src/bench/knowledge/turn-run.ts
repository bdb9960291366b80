import { runAgentTurn, type AgentTurnResult } from "../../agent/conversation/agent-turn.js";
import { ContextWindow } from "../../agent/conversation/context-window.js";
import { Speaker, voiceOf, type TurnVoice } from "../../agent/conversation/speaker.js";
import { systemMessage } from "../../agent/conversation/system-message.js";
import type { AgentDefinition } from "../../agent/definition.js";
import { ToolSet, type ToolServices } from "../../agent/tools/index.js";
import type { ChatMessage, LlmEngine, TtsEngine } from "../../engines/types.js";
import type { Knowledge } from "../../knowledge/index.js";
import { silentLogger } from "../../lib/logger.js";
import { DrainAudio } from "./drain-audio.js";
import { timedLlm, type ChatTiming } from "./timed-llm.js";

/** One agent turn and where its time went, on the wall clock (performance.now()). */
export interface TurnTimeline {
  /** When the turn started: the caller's turn was over and their words were in the history. */
  startedAt: number;
  chats: ChatTiming[];
  searches: { startedAt: number; endedAt: number; embedMs: number }[];
  /** First audio of the reply itself (a filler said while the tool ran is not counted here). */
  replyAudioAt: number | null;
  fillers: number;
  result: AgentTurnResult;
}

export interface TurnRig {
  llm: LlmEngine;
  tts: TtsEngine;
  knowledge: Knowledge;
}

/**
 * Runs one turn of `agent` on `question` through runAgentTurn, the code a
 * live call's Conversation runs for each caller turn (the same deps it
 * builds: the agent's tools, context window, filler and fallback line, a
 * Speaker on the TTS engine), as the first question after the greeting. The
 * call's media is a drain (DrainAudio); the LLM and the knowledge search are
 * the real ones, with their moments written down.
 */
export async function timeTurn(
  rig: TurnRig,
  agent: AgentDefinition,
  question: string,
  sessionKey: string,
  signal: AbortSignal,
): Promise<TurnTimeline> {
  const chats: ChatTiming[] = [];
  const searches: TurnTimeline["searches"] = [];
  const replyAudio: Promise<number | null>[] = [];
  let fillers = 0;
  const speaker = new Speaker(rig.tts, new DrainAudio(), voiceOf(agent), null);
  const voice: TurnVoice = {
    audioIdle: () => speaker.audioIdle(),
    say: (text, s) => {
      const u = speaker.say(text, s);
      replyAudio.push(u.firstAudio);
      return u;
    },
    sayPhrase: (text, use, s) => {
      fillers++;
      return speaker.sayPhrase(text, use, s);
    },
  };
  const services: ToolServices = {
    timeZone: "UTC",
    now: () => new Date(),
    scheduleCallback: async () => ({ jobId: null }),
    searchKnowledge: async (name, query, o) => {
      const started = performance.now();
      const r = await rig.knowledge.search(name, query, o);
      searches.push({ startedAt: started, endedAt: performance.now(), embedMs: r.timings.embedMs });
      return r;
    },
  };
  const tools = new ToolSet(agent);
  const history: ChatMessage[] = [
    systemMessage(agent),
    { role: "assistant", content: agent.live.greeting },
    { role: "user", content: question },
  ];
  const llm = timedLlm(rig.llm, chats);
  const deps = {
    llm,
    speaker: voice,
    tools,
    toolContext: (s: AbortSignal) => ({
      callId: sessionKey,
      caller: null,
      agent,
      signal: s,
      history: () => history,
      services,
    }),
    sessionKey,
    fillerAfterMs: agent.live.fillerAfterMs,
    language: agent.language,
    filler: agent.live.filler,
    logger: silentLogger(),
    window: new ContextWindow(rig.llm, tools.specs),
    fallbackLine: agent.live.fallback,
  };
  const startedAt = performance.now();
  const result = await runAgentTurn(deps, history, signal);
  const audio = (await Promise.all(replyAudio)).filter((t): t is number => t !== null);
  return {
    startedAt,
    chats,
    searches,
    replyAudioAt: audio.length ? Math.min(...audio) : null,
    fillers,
    result,
  };
}
