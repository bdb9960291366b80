import { phrasesFor } from "../agent/phrases/index.js";
import type { NotifyDeps } from "./deps.js";
import { CallbacksRepo } from "../store/repos/callbacks-repo.js";
import { CampaignRejectedRowsRepo } from "../store/repos/campaign-rejected-rows-repo.js";
import { CampaignRecipientsRepo } from "../store/repos/campaign-recipients-repo.js";
import { CampaignsRepo } from "../store/repos/campaigns-repo.js";
import { NotificationsRepo } from "../store/repos/notifications-repo.js";
import { OutboundAttemptsRepo } from "../store/repos/outbound-attempts-repo.js";
import { TemplatesRepo } from "../store/repos/templates-repo.js";
import { DoNotCallList } from "./compliance/dnc.js";
import type { Voice } from "../engines/tts/cache/index.js";

/** The outbound side's tables and lists, prepared once per running Parley. */
export interface NotifyContext {
  notifications: NotificationsRepo;
  attempts: OutboundAttemptsRepo;
  campaigns: CampaignsRepo;
  recipients: CampaignRecipientsRepo;
  /** Upload rows that were not imported, with the reason (results.csv lists them). */
  rejectedRows: CampaignRejectedRowsRepo;
  templates: TemplatesRepo;
  callbacks: CallbacksRepo;
  dnc: DoNotCallList;
}

const contexts = new WeakMap<NotifyDeps, NotifyContext>();

/** The context of these services (statements are prepared on first use, then shared by routes and tasks). */
export function notifyContext(services: NotifyDeps): NotifyContext {
  let ctx = contexts.get(services);
  if (!ctx) {
    const { db } = services;
    ctx = {
      notifications: new NotificationsRepo(db),
      attempts: new OutboundAttemptsRepo(db),
      campaigns: new CampaignsRepo(db),
      recipients: new CampaignRecipientsRepo(db),
      rejectedRows: new CampaignRejectedRowsRepo(db),
      templates: new TemplatesRepo(db),
      callbacks: new CallbacksRepo(db),
      dnc: new DoNotCallList(services.sql, services.clock, services.bus, services.config.voicemail.defaultCountryCode),
    };
    contexts.set(services, ctx);
  }
  return ctx;
}

/** An agent's voice; throws the registry's 404 for an unknown agent. */
export function voiceOf(services: NotifyDeps, agent: string): Voice {
  const v = services.agents.get(agent).voice;
  return { speakerId: v.speakerId, speed: v.speed };
}

/** The agent's language (its menu lines and opt-out words); "en" for an agent deleted since. */
export function languageOf(services: NotifyDeps, agent: string): string {
  return services.agents.find(agent)?.agent.language ?? "en";
}

/**
 * The words that opt a number out when said after a message: the configured ones (`notify.optOutWords`, English
 * by default) and those of the agent's language ("stopp", "abmelden"...), so a German notification hears both.
 */
export function optOutWordsOf(services: NotifyDeps, agent: string): string[] {
  return [...new Set([...services.config.notify.optOutWords, ...phrasesFor(languageOf(services, agent)).optOutWords])];
}
