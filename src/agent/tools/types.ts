import type { ChatMessage, ToolSpec } from "../../engines/types.js";
import type { OutboundPolicy } from "../../lib/outbound/index.js";
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
}

/** Services the call layer gives tools: the parts of Parley a live call can reach. */
export interface ToolServices {
  /** Queues the hybrid follow-up: an outbound call at `when`, carrying what was said so far. */
  scheduleCallback(request: {
    to: string | null;
    when: Date;
    topic: string;
    summary: string;
    agent: string;
    callId: string;
  }): Promise<{ jobId: number }>;
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
  ): { ok: true } | { ok: false; reason: string; next: Date | null; nextLocal: string | null };
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
