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
import type { SqlExecutor, SqlStore } from "../store/sql/index.js";

/**
 * The outbound tables, on the SQL port (shared by the nodes with `store.url`): over the store, or inside one of its
 * transactions.
 */
export interface OutboundRepos {
  notifications: NotificationsRepo;
  attempts: OutboundAttemptsRepo;
  campaigns: CampaignsRepo;
  recipients: CampaignRecipientsRepo;
  /** Upload rows that were not imported, with the reason (results.csv lists them). */
  rejectedRows: CampaignRejectedRowsRepo;
  templates: TemplatesRepo;
  callbacks: CallbacksRepo;
  /**
   * Runs `fn` in one write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: the row locks a repository takes,
   * such as `campaigns.lock`), handing it these repositories inside it. Inside, use only those and await nothing but
   * their statements (no jobs, no dialling). Called inside a transaction, it joins it.
   */
  atomically<T>(fn: (tx: OutboundRepos) => Promise<T>): Promise<T>;
}

/** The outbound side's tables and lists, prepared once per running Parley. */
export interface NotifyContext extends OutboundRepos {
  dnc: DoNotCallList;
}

/** The outbound repositories over `ex`: the store itself (the default), or one of its transactions. */
export function outboundRepos(store: SqlStore, ex: SqlExecutor = store): OutboundRepos {
  const repos: OutboundRepos = {
    notifications: new NotificationsRepo(ex),
    attempts: new OutboundAttemptsRepo(ex),
    campaigns: new CampaignsRepo(ex, store.dialect),
    recipients: new CampaignRecipientsRepo(ex, store.dialect),
    rejectedRows: new CampaignRejectedRowsRepo(ex),
    templates: new TemplatesRepo(ex),
    callbacks: new CallbacksRepo(ex),
    atomically: (fn) => (ex === store ? store.transaction((tx) => fn(outboundRepos(store, tx))) : fn(repos)),
  };
  return repos;
}

const contexts = new WeakMap<NotifyDeps, NotifyContext>();

/** The context of these services (statements are prepared on first use, then shared by routes and tasks). */
export function notifyContext(services: NotifyDeps): NotifyContext {
  let ctx = contexts.get(services);
  if (!ctx) {
    ctx = {
      ...outboundRepos(services.sql),
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
