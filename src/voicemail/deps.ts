import type { Database } from "better-sqlite3";
import type { AgentRegistry } from "../agent/registry.js";
import type { PrivacyPolicy } from "../agent/privacy-policy.js";
import type { KnowledgeSearch } from "../agent/tools/index.js";
import type { ParleyConfig } from "../config/index.js";
import type { EngineHost } from "../engines/host/engine-host.js";
import type { EventBus } from "../events/bus.js";
import type { JobQueue } from "../jobs/index.js";
import type { JobKinds } from "../jobs/kinds.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { AudioStore } from "../store/audio-store.js";
import type { SqlStore } from "../store/sql/port.js";

/** When a callback can be placed (the notify feature's policy, handed over by app/): voicemail routing asks it. */
export type CallbackTimer = (
  to: string | null,
  requested: number,
  urgency?: number | null,
) => Promise<{ at: number | null; delay: string | null }>;

/**
 * Promises a callback (the notify feature, wired by app/): queues its callback.place job, records it, and
 * announces callback.scheduled once; a repeated request with the same key adds nothing.
 */
export type ScheduleCallback = (request: {
  payload: JobKinds["callback.place"];
  runAt: number;
  idempotencyKey: string;
  priority?: number;
  delay?: string | null;
  reason?: string;
}) => Promise<{ callbackId: number; jobId: number; created: boolean }>;

/** What the voicemail feature uses, and nothing more: app/ gives it these. */
export interface VoicemailDeps {
  config: ParleyConfig;
  logger: Logger;
  clock: Clock;
  db: Database;
  /** The voicemails and their recordings: the node's database, or PostgreSQL shared by the nodes (`store.url`). */
  sql: SqlStore;
  queue: JobQueue;
  bus: EventBus;
  agents: AgentRegistry;
  /** Masks personal data in transcripts, summaries and extraction results before they are stored. */
  privacy: PrivacyPolicy;
  audio: AudioStore;
  engines: EngineHost;
  /** Path of ffmpeg, or null when it is off or not installed. */
  ffmpeg: string | null;
  callbackTimer: CallbackTimer;
  scheduleCallback: ScheduleCallback;
  /** A routing rule's webhook: queues the delivery of a stored event to the named endpoint (the webhooks feature, wired by app/). */
  deliverWebhook: (endpointName: string, eventId: number) => Promise<unknown>;
  /** The agent's knowledge base: passages matching the transcript go into the extraction prompt (app/ wires it). */
  searchKnowledge: KnowledgeSearch;
}
