import type { AgentRegistry } from "../agent/registry.js";
import { createPlayground, type Playground } from "../agent/playground/playground.js";
import { callbackTimeFor, type KnowledgeSearch } from "../agent/tools/index.js";
import { createCalls, type Calls } from "../calls/calls.js";
import type { OutboundDialer } from "../notify/dialer.js";
import { createNotify, type Notify } from "../notify/notify.js";
import { createVoicemail, type Voicemail } from "../voicemail/voicemail.js";
import { createWebhooks, type Webhooks } from "../webhooks/index.js";
import type { Infrastructure } from "./infrastructure.js";

/** The features of a running Parley, each a small facade: what the API, the CLI and the worker use. */
export interface Features {
  voicemail: Voicemail;
  notify: Notify;
  calls: Calls;
  webhooks: Webhooks;
  agents: AgentRegistry;
  /** The agents' chat playground (console and POST /v1/agents/{name}/chat). */
  playground: Playground;
}

/**
 * Builds every feature from the shared pieces it declares, and wires the ports between them (features never
 * import each other):
 *
 *   calls.onMessage          -> voicemail.ingest        (a message left on a live call)
 *   voicemail.deliverWebhook -> webhooks.deliverTo      (a routing rule's webhook)
 *   voicemail, calls: callbackTimer -> notify.callbackTimer
 *   calls.dialGuards         <- notify.dialGuard        (the do-not-call list, checked before every dial)
 *   notify.dialer            -> calls.deliver / dialLive
 *   voicemail, calls: searchKnowledge -> the knowledge base's search (infrastructure)
 *   playground: the agents with the live calls' LLM, tool policy, knowledge search and callback rules
 */
export function createFeatures(infra: Infrastructure): Features {
  const {
    config,
    logger,
    clock,
    registry,
    db,
    sql,
    queue,
    bus,
    agents,
    audio,
    engines,
    ffmpeg,
    outbound,
    privacy,
    ttsCache,
  } = infra;
  // Retrieval for live calls' search_knowledge tool and voicemail extraction's context.
  const searchKnowledge: KnowledgeSearch = (agent, query, options) => infra.knowledge.search(agent, query, options);
  const webhooks = createWebhooks({ config, logger, clock, db, sql, queue, bus, outbound });

  // Notify dials through the calls feature, which is built below (it needs notify's callback timer and guard).
  const dialer: OutboundDialer = {
    available: () => calls.manager !== null,
    deliver: (call) => calls.deliver(call),
    dialLive: (call) => calls.dialLive(call),
  };
  const notify = createNotify({
    config,
    logger,
    clock,
    registry,
    db,
    sql,
    queue,
    bus,
    agents,
    privacy,
    dialer,
    ttsCache,
  });

  const voicemail = createVoicemail({
    config,
    logger,
    clock,
    db,
    sql,
    queue,
    bus,
    agents,
    privacy,
    audio,
    engines,
    ffmpeg,
    searchKnowledge,
    callbackTimer: notify.callbackTimer,
    scheduleCallback: (r) => notify.scheduleCallback(r),
    deliverWebhook: (endpointName, eventId) => webhooks.deliverTo(endpointName, eventId),
  });

  const calls: Calls = createCalls({
    config,
    logger,
    clock,
    registry,
    db,
    sql,
    queue,
    bus,
    agents,
    privacy,
    engines,
    outbound,
    searchKnowledge,
    ttsCache,
    dialGuards: [notify.dialGuard],
    callbackTimer: notify.callbackTimer,
    scheduleCallback: (r) => notify.scheduleCallback(r),
    onMessage: async (msg) => ({ voicemailId: (await voicemail.ingest(msg)).voicemail.id }),
  });

  // Trying an agent without a phone: the same LLM, tools and callback rules as its calls (nothing is queued or dialled).
  const playground = createPlayground({
    agents,
    llm: (language) => engines.engines(language)?.llm ?? null,
    toolServices: {
      outbound: outbound.tools,
      searchKnowledge,
      callbackTime: callbackTimeFor((to, at) => notify.callbackTimer(to, at)),
      timeZone: config.calls.timeZone,
      now: () => new Date(clock.now()),
    },
    logger,
    clock,
  });

  return { voicemail, notify, calls, webhooks, agents, playground };
}
