import {
  effectivePrivacy,
  redactionRulesOf,
  type AgentPrivacy,
  type PrivacyConfig,
} from "../config/sections/privacy.js";

type SensitiveRecordingMode = PrivacyConfig["recordings"]["sensitive"];
import { createRedactor, type Redactor } from "../lib/pii/index.js";

/**
 * The one place that decides what personal data is kept (docs/privacy.md):
 * the global `privacy` section with each agent's `privacy:` laid over it.
 * app/ builds it once and hands it to the features and the event bus; they
 * call `scrub` right before a record is written, so nothing unmasked reaches
 * the database, the queue or a webhook.
 */
export interface PrivacyPolicy {
  /** A masked copy of a JSON-like value (text, a turn, extraction results), under the agent's rules; null: the global rules. */
  scrub<T>(agent: string | null, value: T): T;
  /** What a recording keeps during a sensitive step, for this agent. */
  recordingMode(agent: string | null): SensitiveRecordingMode;
}

/**
 * @example
 * const privacy = createPrivacyPolicy(config.privacy, (name) => agents.find(name)?.agent.privacy);
 * repo.turn(callId, privacy.scrub(agent.name, turn));
 */
export function createPrivacyPolicy(
  global: PrivacyConfig,
  agentPrivacy: (agent: string) => AgentPrivacy | undefined,
): PrivacyPolicy {
  const globalRedactor = redactorFor(global);
  // Keyed by the agent's privacy block itself: a definition saved again through the API is a new object.
  const perAgent = new WeakMap<AgentPrivacy, { redactor: Redactor | null; mode: SensitiveRecordingMode }>();
  const settings = (agent: string | null) => {
    const own = agent === null ? undefined : agentPrivacy(agent);
    if (!own) return { redactor: globalRedactor, mode: global.recordings.sensitive };
    let s = perAgent.get(own);
    if (!s) {
      const merged = effectivePrivacy(global, own);
      s = { redactor: redactorFor(merged), mode: merged.recordings.sensitive };
      perAgent.set(own, s);
    }
    return s;
  };
  return {
    scrub: (agent, value) => {
      const r = settings(agent).redactor;
      return r ? r.value(value) : value;
    },
    recordingMode: (agent) => settings(agent).mode,
  };
}

/** The redactor of these settings, or null when redaction is off. */
export function redactorFor(privacy: PrivacyConfig): Redactor | null {
  const rules = redactionRulesOf(privacy.redact);
  return rules ? createRedactor(rules) : null;
}
