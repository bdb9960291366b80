import type { AgentDefinition, MailboxSettings } from "../../agent/definition.js";
import { forwardedUser, parseNameAddr, toSipAddress, type InboundCall } from "../../sip/index.js";

/** Whose mailbox a forwarded call is for, and how that was decided (for the log). */
export interface MailboxChoice {
  mailbox: string | null;
  from: "diversion" | "history-info" | "request-uri-target" | "map" | "dialled" | "agent" | "none";
}

/**
 * The mailbox of a call forwarded to a SIP mailbox: the user who did not
 * answer (Diversion, History-Info, or an RFC 4458 `target` in the
 * Request-URI), through the agent's `mailbox.map` when it names that user;
 * else the map's entry for the dialled user (a DID); else the dialled user
 * when it is not the agent itself (sip:1001@parley); else the agent's first
 * voicemail mailbox.
 */
export function mailboxOf(invite: InboundCall, settings: MailboxSettings, agent: AgentDefinition): MailboxChoice {
  const forwarded = forwardedUser(
    {
      diversion: invite.headers("Diversion"),
      historyInfo: invite.headers("History-Info"),
      requestUri: invite.requestUri,
    },
    settings.prefer,
  );
  if (forwarded) return { mailbox: settings.map[forwarded.user] ?? forwarded.user, from: forwarded.source };
  const dialled = [toSipAddress({ uri: invite.requestUri, params: {} }).user, invite.to.user].filter(
    (u): u is string => typeof u === "string" && u.length > 0,
  );
  for (const user of dialled) {
    const mapped = settings.map[user];
    if (mapped) return { mailbox: mapped, from: "map" };
  }
  const other = dialled.find((u) => u !== agent.name);
  if (other) return { mailbox: other, from: "dialled" };
  const own = agent.voicemail.mailboxes[0];
  return own ? { mailbox: own, from: "agent" } : { mailbox: null, from: "none" };
}

/**
 * Who called: P-Asserted-Identity (what a trusted PBX or carrier asserts)
 * before From. The number is the URI's user; the name its display name.
 * Anonymous callers give no number.
 */
export function callerOf(invite: InboundCall): { number: string | null; name: string | null } {
  const asserted = invite.header("P-Asserted-Identity");
  const addr = asserted ? parseNameAddr(asserted) : null;
  const who = addr ? toSipAddress(addr) : invite.from;
  const user = who.user && !/^anonymous$/i.test(who.user) ? who.user : null;
  const name = who.displayName ?? (addr ? (invite.from.displayName ?? null) : null);
  return { number: user, name: name && !/^anonymous$/i.test(name) ? name : null };
}
