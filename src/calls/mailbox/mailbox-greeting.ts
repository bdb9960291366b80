import type { MailboxSettings } from "../../agent/definition.js";
import type { AgentRegistry } from "../../agent/registry.js";

/** The mailboxes this deployment knows: the mailbox's own map, and every mailbox an agent takes messages for. */
export function knownMailboxes(agents: AgentRegistry, settings: MailboxSettings): Set<string> {
  const known = new Set(Object.values(settings.map));
  for (const { agent } of agents.list()) {
    for (const m of agent.voicemail.mailboxes) known.add(m);
    for (const m of agent.form?.mailboxes ?? []) known.add(m);
  }
  return known;
}

/**
 * The spoken greeting for a call's mailbox, and whether it plays from the TTS
 * cache: always when it names no mailbox; when it does (`{mailbox}`), only for
 * a mailbox the deployment knows. A mailbox read from a caller's INVITE could
 * be anything, and each would be a new render kept on disk: those are
 * synthesised live, as before there was a cache.
 */
export function spokenGreeting(
  settings: MailboxSettings,
  mailbox: string | null,
  known: ReadonlySet<string>,
): { text: string; cached: boolean } {
  if (!settings.greeting.includes("{mailbox}")) return { text: settings.greeting, cached: true };
  return {
    text: settings.greeting.replaceAll("{mailbox}", mailbox ?? ""),
    cached: mailbox !== null && known.has(mailbox),
  };
}
