import type { ChatMessage, ToolSpec } from "../../engines/types.js";
import type { KnowledgeSearchResult } from "../../knowledge/index.js";
import type { OutboundPolicy } from "../../lib/outbound/index.js";
import type { TurnSource } from "../../store/records/call-turn.js";
import type { AgentDefinition } from "../definition.js";

/** What happens once the agent's reply to a tool call has been played. */
export type AfterTurn =
  | { type: "hangup"; outcome: "agent_hangup" | "callback_scheduled" }
  | { type: "transfer"; target: string }
  | { type: "take-message" };

export interface ToolOutcome {
  /** Returned to the model as the tool's result (JSON). */
  result: unknown;
  after?: AfterTurn;
  /** Knowledge-base chunks the result gave the model: recorded on the turn as the answer's sources. */
  sources?: TurnSource[];
}

/** Hybrid retrieval over an agent's knowledge base (the app gives it; calls/ and voicemail/ do not build it). */
export type KnowledgeSearch = (
  agent: string,
  query: string,
  options: { k?: number; signal?: AbortSignal },
) => Promise<KnowledgeSearchResult>;

/** Services the call layer gives tools: the parts of Parley a live call can reach. */
export interface ToolServices {
  /**
   * Queues the hybrid follow-up: an outbound call at `when`, carrying what was said so far. `jobId` null: nothing
   * was queued (the chat playground shows what would be).
   */
  scheduleCallback(request: {
    to: string | null;
    when: Date;
    topic: string;
    summary: string;
    agent: string;
    callId: string;
  }): Promise<{ jobId: number | null }>;
  /** The site's time zone (IANA) for reading times like "tomorrow 10:00". */
  timeZone: string;
  now(): Date;
  /**
   * Whether a callback to `to` can be placed at `when` under the site's callback rules (hours, days, the daily
   * cap), and if not, the first time it can and why: the agent offers only times that can be kept.
   */
  callbackTime?(
    to: string | null,
    when: Date,
  ): Promise<{ ok: true } | { ok: false; reason: string; next: Date | null; nextLocal: string | null }>;
  /** The agent's knowledge base (`search_knowledge`); absent: the tool answers that there is none. */
  searchKnowledge?: KnowledgeSearch;
  /** Where HTTP tools may send requests (config tools.*); absent: the defaults (no loopback, link-local or metadata). */
  outbound?: OutboundPolicy;
}

export interface ToolContext {
  callId: string;
  caller: string | null;
  agent: AgentDefinition;
  signal: AbortSignal;
  /** The conversation so far (what was said and played). */
  history(): ChatMessage[];
  services: ToolServices;
}

export interface ToolHandler {
  spec: ToolSpec;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolOutcome>;
}
