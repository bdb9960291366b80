import type { Database } from "better-sqlite3";
import type { AgentRegistry } from "../agent/registry.js";
import type { PrivacyPolicy } from "../agent/privacy-policy.js";
import type { KnowledgeSearch } from "../agent/tools/index.js";
import type { ParleyConfig } from "../config/index.js";
import type { EngineHost } from "../engines/host/engine-host.js";
import type { TtsCache } from "../engines/tts/cache/index.js";
import type { EventBus } from "../events/bus.js";
import type { JobQueue } from "../jobs/index.js";
import type { JobKinds } from "../jobs/kinds.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { Registry } from "../lib/metrics.js";
import type { OutboundPolicy } from "../lib/outbound/index.js";
import type { SqlStore } from "../store/sql/port.js";

/**
 * A message a caller left (WAV bytes): on a live call (take_message) or in a
 * SIP mailbox. The voicemail feature takes it in; app/ wires the two.
 */
export interface CallerMessage {
  bytes: Uint8Array;
  /** The caller's number (From or P-Asserted-Identity user). */
  caller: string | null;
  /** The caller's name, when the call said (a display name). */
  callerName?: string | null;
  mailbox: string | null;
  /** The agent that handles it; by default the one that claims the mailbox. */
  agent?: string;
  receivedAt: number;
  /** `call`: taken by the live agent; `sip-mailbox`: left in a SIP mailbox. */
  source: "call" | "sip-mailbox";
}

/**
 * Promises a callback (the notify feature, wired by app/): queues its callback.place job, records it, and
 * announces callback.scheduled once; a repeated request with the same key adds nothing. (The voicemail feature
 * declares the same port: features do not import each other.)
 */
export type ScheduleCallback = (request: {
  payload: JobKinds["callback.place"];
  runAt: number;
  idempotencyKey: string;
  priority?: number;
  delay?: string | null;
  reason?: string;
}) => Promise<{ callbackId: number; jobId: number; created: boolean }>;

/** When a callback can be placed (the notify feature's policy, handed over by app/). */
export type CallbackTimer = (
  to: string | null,
  requested: number,
) => Promise<{ at: number | null; delay: string | null; why: string | null; atLocal: string | null }>;

/** What the calls feature uses, and nothing more: app/ gives it these. */
export interface CallsDeps {
  config: ParleyConfig;
  logger: Logger;
  clock: Clock;
  registry: Registry;
  db: Database;
  /** The call log (and the voicemails a call links to): the node's database, or PostgreSQL shared by the nodes. */
  sql: SqlStore;
  queue: JobQueue;
  bus: EventBus;
  agents: AgentRegistry;
  /** Masks personal data before a turn, a summary or a job payload is stored. */
  privacy: PrivacyPolicy;
  engines: EngineHost;
  /** Rendered speech (infrastructure): greetings, fillers, fallback lines and mailbox greetings play from it. */
  ttsCache: TtsCache;
  /** Checked right before every outbound dial, whatever asked for it; a guard throws (a ParleyError) to forbid the call. */
  dialGuards: ((to: string) => Promise<void>)[];
  callbackTimer: CallbackTimer;
  /** Promises a callback (the notify feature): the schedule_callback tool's work. */
  scheduleCallback: ScheduleCallback;
  /** Where agents' HTTP tools may send requests (config tools.*). */
  outbound: { tools: OutboundPolicy };
  /** A caller left a message: stores it (the voicemail feature) and gives back the new voicemail's id. */
  onMessage: (msg: CallerMessage) => Promise<{ voicemailId: number }>;
  /** The agents' knowledge bases, for the search_knowledge tool (app/ wires the knowledge base). */
  searchKnowledge: KnowledgeSearch;
}
