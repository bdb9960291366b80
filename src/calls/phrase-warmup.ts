import type { AgentDefinition, MailboxSettings } from "../agent/definition.js";
import { voiceOf } from "../agent/conversation/speaker.js";
import type { TtsEngine } from "../engines/types.js";
import { describeError, isAbortError } from "../lib/errors.js";
import type { CallsDeps } from "./deps.js";
import { knownMailboxes, spokenGreeting } from "./mailbox/mailbox-greeting.js";

/** What a warm-up did: phrases rendered now, found already cached, and failed. */
export interface WarmupReport {
  agents: number;
  rendered: number;
  cached: number;
  failed: number;
  ms: number;
}

/**
 * Renders every agent's fixed phrases into the TTS cache at start, so the
 * first caller does not wait for a render: first each agent's greeting (what
 * every call opens with; a mailbox agent's greeting for each mailbox it
 * knows), then the rest (filler, fallback line, message offer, reprompt,
 * goodbye, take-message prompt). Each with the engine the agent's calls use
 * (its language may pick its own voice), as batch work: a call's sentences
 * go first. A phrase that fails is logged and left to the first call.
 */
export async function warmPhrases(
  deps: Pick<CallsDeps, "agents" | "engines" | "ttsCache" | "logger">,
  signal: AbortSignal,
  onGreetings: (soFar: WarmupReport) => void = () => undefined,
): Promise<WarmupReport> {
  const agents = deps.agents.list().map((e) => e.agent);
  const report: WarmupReport = { agents: agents.length, rendered: 0, cached: 0, failed: 0, ms: 0 };
  let told = false;
  const greetingsDone = () => {
    if (told) return;
    told = true;
    onGreetings({ ...report });
  };
  try {
    return await warm(deps, signal, agents, report, greetingsDone);
  } finally {
    // Also when it stopped early (no engines, shutting down): readiness must not wait for greetings that never come.
    greetingsDone();
  }
}

async function warm(
  deps: Pick<CallsDeps, "agents" | "engines" | "ttsCache" | "logger">,
  signal: AbortSignal,
  agents: AgentDefinition[],
  report: WarmupReport,
  greetingsDone: () => void,
): Promise<WarmupReport> {
  const started = performance.now();
  const engineOf = new Map<string, TtsEngine>();
  try {
    for (const agent of agents) engineOf.set(agent.name, (await deps.engines.whenReady(signal, agent.language)).tts);
  } catch (err) {
    // No engines (a model failed to load): nothing can be rendered, and the failure is reported where it happened.
    if (!signal.aborted) deps.logger.warn({ err: describeError(err) }, "phrase warm-up skipped: engines unavailable");
    return report;
  }
  const known = (box: MailboxSettings) => knownMailboxes(deps.agents, box);
  for (const [i, pass] of [greetingsOf, otherPhrasesOf].entries()) {
    if (i === 1) greetingsDone();
    for (const agent of agents) {
      const engine = engineOf.get(agent.name) as TtsEngine;
      for (const text of new Set(pass(agent, known))) {
        if (signal.aborted) return report;
        try {
          const r = await deps.ttsCache.render(text, voiceOf(agent), signal, { use: "warmup", engine });
          if (r.hit) report.cached++;
          else report.rendered++;
        } catch (err) {
          if (signal.aborted || isAbortError(err)) return report;
          report.failed++;
          deps.logger.warn({ agent: agent.name, text, err: describeError(err) }, "phrase warm-up: render failed");
        }
      }
    }
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/** The greetings an agent's calls open with: the live greeting, or its mailbox's spoken greeting for each known mailbox. */
function greetingsOf(agent: AgentDefinition, known: (box: MailboxSettings) => Set<string>): string[] {
  const box = agent.mailbox;
  if (!box) return [agent.live.greeting];
  if (box.greetingWav) return [];
  if (!box.greeting.includes("{mailbox}")) return [box.greeting];
  const mailboxes = known(box);
  return [...mailboxes].map((m) => spokenGreeting(box, m, mailboxes).text);
}

/** The other fixed lines of its calls. */
function otherPhrasesOf(agent: AgentDefinition): string[] {
  if (agent.mailbox) return [agent.mailbox.goodbye];
  const l = agent.live;
  return [l.filler, l.fallback, l.messageOffer, l.messageOfferDeclined, l.reprompt, l.goodbye, agent.voicemail.prompt];
}
