import { ParleyError } from "../../lib/errors.js";

/**
 * The `application/simple-message-summary` body of a message-waiting NOTIFY
 * (RFC 3842): whether messages are waiting, the account they are in, and the
 * new/old counts of voice messages, urgent ones in brackets:
 *
 *   Messages-Waiting: yes
 *   Message-Account: sip:1001@pbx.example.com
 *   Voice-Message: 2/8 (1/0)
 */

export const MESSAGE_SUMMARY_EVENT = "message-summary";
export const MESSAGE_SUMMARY_TYPE = "application/simple-message-summary";

export interface MessageCounts {
  /** Messages not yet handled: the lamp is for these. */
  new: number;
  old: number;
  urgentNew?: number;
  urgentOld?: number;
}

export interface MessageSummary {
  /** Messages-Waiting; by default yes exactly when there are new messages. */
  waiting?: boolean;
  /** Message-Account: the mailbox's URI (sip:1001@pbx.example.com), what a phone dials to hear it. */
  account?: string;
  voice: MessageCounts;
}

const ACCOUNT = /^(sips?|tel):[^\s<>"]+$/i;

/** The body text, CRLF-terminated lines. Throws ParleyError (invalid_argument) on negative or fractional counts or a bad account URI. */
export function formatMessageSummary(summary: MessageSummary): string {
  const v = summary.voice;
  const counts = [v.new, v.old, v.urgentNew ?? 0, v.urgentOld ?? 0];
  if (!counts.every((n) => Number.isInteger(n) && n >= 0 && n <= 1_000_000)) {
    throw new ParleyError("invalid_argument", `message counts must be whole numbers from 0: got ${counts.join("/")}`, {
      status: 400,
    });
  }
  if (summary.account !== undefined && !ACCOUNT.test(summary.account)) {
    throw new ParleyError(
      "invalid_argument",
      `Message-Account must be a sip:, sips: or tel: URI: ${JSON.stringify(summary.account)}`,
      { status: 400 },
    );
  }
  const waiting = summary.waiting ?? v.new > 0;
  const lines = [`Messages-Waiting: ${waiting ? "yes" : "no"}`];
  if (summary.account) lines.push(`Message-Account: ${summary.account}`);
  // The urgent pair is always written: some Cisco phones misread the line without it (Asterisk does the same).
  lines.push(`Voice-Message: ${counts[0]}/${counts[1]} (${counts[2]}/${counts[3]})`);
  return `${lines.join("\r\n")}\r\n`;
}

/** Reads a body back (a received NOTIFY, tests); null when it has no Messages-Waiting line. */
export function parseMessageSummary(body: string): MessageSummary | null {
  let waiting: boolean | null = null;
  let account: string | undefined;
  let voice: MessageCounts = { new: 0, old: 0 };
  for (const line of body.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === "messages-waiting") waiting = value.toLowerCase() === "yes";
    else if (name === "message-account") account = value;
    else if (name === "voice-message") voice = parseCounts(value) ?? voice;
  }
  if (waiting === null) return null;
  return { waiting, ...(account ? { account } : {}), voice };
}

function parseCounts(value: string): MessageCounts | null {
  const m = /^(\d+)\/(\d+)(?:\s*\((\d+)\/(\d+)\))?/.exec(value);
  if (!m) return null;
  const counts: MessageCounts = { new: Number(m[1]), old: Number(m[2]) };
  if (m[3] !== undefined) counts.urgentNew = Number(m[3]);
  if (m[4] !== undefined) counts.urgentOld = Number(m[4]);
  return counts;
}
