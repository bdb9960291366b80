import { randomUUID } from "node:crypto";
import type { ChatMessage, LlmEngine } from "../../engines/types.js";
import type { Clock } from "../../lib/clock.js";
import { ParleyError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { runAgentTurn } from "../conversation/agent-turn.js";
import { ContextWindow } from "../conversation/context-window.js";
import { systemMessage } from "../conversation/system-message.js";
import type { TurnFailure } from "../conversation/turn-failure.js";
import type { AgentDefinition } from "../definition.js";
import { ToolSet, type ToolHandler, type ToolServices } from "../tools/index.js";
import { textVoice } from "./text-voice.js";
import { wouldDoAfter, wouldQueueCallback, type WouldDo } from "./would-do.js";

/** What the playground needs: the agents, the LLM their calls use, and the tools' services (app/ wires them). */
export interface PlaygroundDeps {
  agents: { get(name: string): AgentDefinition };
  /** The LLM an agent of this language talks with on a call (its language's engines, else the profile's); null while loading. */
  llm(language: string): LlmEngine | null;
  /** The live calls' tool services, less scheduling a callback (the playground never queues one). */
  toolServices: Omit<ToolServices, "scheduleCallback">;
  logger: Logger;
  clock: Clock;
  /** Sessions kept at once (the least recently used is dropped) and how long an idle one lives. */
  limits?: { sessions?: number; idleMs?: number };
}

/** What the page (or a script) sees of a turn, as it happens. */
export type ChatEvent =
  | { type: "session"; sessionId: string; agent: string; greeting: string | null }
  | { type: "text"; text: string }
  | { type: "tool_call"; name: string; arguments: Record<string, unknown> }
  | { type: "tool_result"; name: string; result: unknown }
  | { type: "action"; action: WouldDo }
  | { type: "done"; reply: ChatReply };

export interface ChatReply {
  sessionId: string;
  agent: string;
  /** The agent's greeting, when this message started the session (what a caller hears first). */
  greeting: string | null;
  /** What the agent said (as a caller would have heard it). */
  reply: string;
  toolCalls: { name: string; arguments: Record<string, unknown>; result: unknown }[];
  /** What the phone-line tools would have done on a call. */
  actions: WouldDo[];
  /** Set when the turn failed: the reply then ends with the agent's fallback line, as on a call. */
  failure: TurnFailure | null;
}

export interface Playground {
  /**
   * One message to the agent and its reply: a new session when `sessionId` is absent, else the session's history
   * goes on. Events arrive through `onEvent` as they happen (sentences, tool calls and results, what phone-line
   * tools would do).
   */
  send(
    agent: string,
    message: string,
    options: { sessionId?: string | null; signal: AbortSignal; onEvent?: (e: ChatEvent) => void },
  ): Promise<ChatReply>;
  /** Forgets a session's history; false when there was none. */
  reset(agent: string, sessionId: string): boolean;
}

interface Session {
  id: string;
  agent: string;
  /** What was said and done, without the system message (taken from the agent's current definition each turn). */
  history: ChatMessage[];
  busy: boolean;
  lastUsed: number;
}

const DEFAULT_SESSIONS = 100;
const DEFAULT_IDLE_MS = 60 * 60_000;

/**
 * The chat playground: an operator types to an agent and gets the replies a caller would, from the same turn code
 * as a live call (runAgentTurn: the agent's system message, the context window, tool rounds, the fallback line),
 * the same LLM and the same tools. HTTP tools and search_knowledge really run; the tools that need a phone line
 * (hang up, transfer, take a message, schedule a callback) say what they would do and do nothing. Sessions live
 * in memory, so a restart ends them.
 */
export function createPlayground(deps: PlaygroundDeps): Playground {
  const sessions = new Map<string, Session>();
  const maxSessions = deps.limits?.sessions ?? DEFAULT_SESSIONS;
  const idleMs = deps.limits?.idleMs ?? DEFAULT_IDLE_MS;

  const sweep = (now: number) => {
    for (const [id, s] of sessions) if (!s.busy && now - s.lastUsed > idleMs) sessions.delete(id);
    while (sessions.size >= maxSessions) {
      const oldest = [...sessions.values()].filter((s) => !s.busy).sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!oldest)
        throw new ParleyError("chat_busy", "every playground session is in use; try again shortly", {
          status: 503,
          retryable: true,
        });
      sessions.delete(oldest.id);
    }
  };

  const open = (agent: AgentDefinition, sessionId: string | null | undefined): { session: Session; fresh: boolean } => {
    const now = deps.clock.now();
    if (sessionId) {
      const s = sessions.get(sessionId);
      if (!s || s.agent !== agent.name)
        throw new ParleyError(
          "chat_session_unknown",
          `no playground session '${sessionId}' for agent '${agent.name}' (it was reset, expired after ${Math.round(idleMs / 60_000)} minutes idle, or the server restarted); send without sessionId to start one`,
          { status: 404 },
        );
      if (s.busy)
        throw new ParleyError("chat_busy", "this session is still answering the previous message", { status: 409 });
      return { session: s, fresh: false };
    }
    sweep(now);
    const greeting = agent.live.greeting;
    const s: Session = {
      id: randomUUID(),
      agent: agent.name,
      history: greeting ? [{ role: "assistant", content: greeting }] : [],
      busy: false,
      lastUsed: now,
    };
    sessions.set(s.id, s);
    return { session: s, fresh: true };
  };

  return {
    async send(name, message, options) {
      const agent = deps.agents.get(name);
      const llm = deps.llm(agent.language);
      if (!llm)
        throw new ParleyError("engines_loading", "the models are still loading; try again in a moment", {
          status: 503,
          retryable: true,
        });
      const { session, fresh } = open(agent, options.sessionId);
      const emit = (e: ChatEvent) => options.onEvent?.(e);
      const greeting = fresh ? agent.live.greeting || null : null;
      emit({ type: "session", sessionId: session.id, agent: agent.name, greeting });
      session.busy = true;
      try {
        const actions: WouldDo[] = [];
        const act = (a: WouldDo) => {
          actions.push(a);
          emit({ type: "action", action: a });
        };
        const tools = new ToolSet(agent);
        const observed = {
          specs: tools.specs,
          get: (n: string) => {
            const h = tools.get(n);
            return h ? observe(h, emit) : undefined;
          },
        };
        const services: ToolServices = {
          ...deps.toolServices,
          scheduleCallback: async (r) => {
            act(wouldQueueCallback(r.when, r.topic));
            return { jobId: null };
          },
        };
        const user: ChatMessage = { role: "user", content: message };
        const history = [systemMessage(agent), ...session.history, user];
        const key = `playground-${session.id}`;
        const result = await runAgentTurn(
          {
            llm,
            speaker: textVoice((text) => emit({ type: "text", text })),
            tools: observed,
            toolContext: (signal) => ({ callId: key, caller: null, agent, signal, history: () => history, services }),
            sessionKey: key,
            fillerAfterMs: agent.live.fillerAfterMs,
            language: agent.language,
            filler: agent.live.filler,
            logger: deps.logger.child({ playground: session.id, agent: agent.name }),
            window: new ContextWindow(llm, tools.specs),
            fallbackLine: agent.live.fallback,
          },
          history,
          options.signal,
        );
        session.history.push(user, ...result.messages);
        if (result.after) act(wouldDoAfter(result.after));
        const reply: ChatReply = {
          sessionId: session.id,
          agent: agent.name,
          greeting,
          reply: result.spoken,
          toolCalls: result.toolCalls,
          actions,
          failure: result.failure,
        };
        emit({ type: "done", reply });
        return reply;
      } finally {
        session.busy = false;
        session.lastUsed = deps.clock.now();
      }
    },

    reset(name, sessionId) {
      const s = sessions.get(sessionId);
      if (!s || s.agent !== name) return false;
      sessions.delete(sessionId);
      return true;
    },
  };
}

/** The tool, reporting its call and its result as they happen. */
function observe(h: ToolHandler, emit: (e: ChatEvent) => void): ToolHandler {
  return {
    spec: h.spec,
    async run(args, ctx) {
      emit({ type: "tool_call", name: h.spec.name, arguments: args });
      try {
        const outcome = await h.run(args, ctx);
        emit({ type: "tool_result", name: h.spec.name, result: outcome.result });
        return outcome;
      } catch (err) {
        // The turn gives the model this same result and ends with the fallback line (runAgentTurn).
        emit({ type: "tool_result", name: h.spec.name, result: { error: "the tool failed" } });
        throw err;
      }
    },
  };
}
