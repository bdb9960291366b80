import { parseAgent } from "../../src/agent/load.js";
import { Conversation } from "../../src/agent/conversation/conversation.js";
import type { ConversationDeps } from "../../src/agent/conversation/conversation-deps.js";
import type { ConversationResult, TurnRecord } from "../../src/agent/conversation/types.js";
import { silentLogger } from "../../src/lib/logger.js";
import type { Line } from "./line.js";

/** What tiny-llm answers every caller turn with. */
export const TINY_REPLY = "Thanks for calling. How can I help you today?";

/** A turn as the test saw it, stamped with when it was reported. */
export type HeardTurn = TurnRecord & { heardAt: number };

export interface RunningConversation {
  turns: HeardTurn[];
  result: Promise<ConversationResult>;
  end: () => void;
}

/**
 * Live conversations on a real RTP line (test/helpers/line.ts) with engines
 * the test made, for the turn-taking tests: one agent definition, the tools'
 * services stubbed out, every turn recorded with the time it was reported.
 * `stopAll()` (in afterEach) ends whatever is still running.
 */
export function conversations() {
  const running: RunningConversation[] = [];
  return {
    start(
      line: Line,
      o: {
        live: Record<string, unknown>;
        engines: ConversationDeps["engines"];
        turn: ConversationDeps["turn"] | ((agent: ReturnType<typeof parseAgent>) => ConversationDeps["turn"]);
        callId: string;
      },
    ): RunningConversation {
      const agent = parseAgent(
        {
          name: "test",
          systemPrompt: "You are a helpful receptionist.",
          live: { greeting: "Hello, you are through to Acme.", silenceTimeoutMs: 20_000, ...o.live },
        },
        "test",
      );
      const turns: HeardTurn[] = [];
      const controller = new AbortController();
      const conversation = new Conversation({
        agent,
        engines: o.engines,
        audio: line.agent,
        control: { hangup: async () => controller.abort(), transfer: async () => ({ status: 503, reason: "none" }) },
        toolServices: { timeZone: "UTC", now: () => new Date(), scheduleCallback: async () => ({ jobId: 1 }) },
        callId: o.callId,
        caller: null,
        logger: silentLogger(),
        echoMarginDb: 15,
        turn: typeof o.turn === "function" ? o.turn(agent) : o.turn,
        onTurn: (t) => turns.push({ ...t, heardAt: performance.now() }),
      });
      const c = { turns, result: conversation.run(controller.signal), end: () => controller.abort() };
      running.push(c);
      return c;
    },
    async stopAll(): Promise<void> {
      for (const c of running.splice(0)) {
        c.end();
        await c.result.catch(() => undefined);
      }
    },
  };
}

/** The agent's spoken replies (not the greeting or fixed phrases). */
export const replies = (turns: TurnRecord[]) => turns.filter((t) => t.role === "agent" && t.source === "speech");

/** The assistant's lines in a finished conversation's history. */
export const assistantLines = (r: ConversationResult) =>
  r.history.filter((m) => m.role === "assistant").map((m) => m.content);
