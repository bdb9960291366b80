import type { IntakePattern } from "../../config/sections/intake.js";
import { normaliseNumber, parseCallerId } from "../caller-id.js";

/** What patterns read from a mail. */
export interface MailText {
  subject: string;
  body: string;
  /** Envelope recipients (RCPT TO). */
  recipients: readonly string[];
  /** A header's value (decoded), or null. */
  header(name: string): string | null;
}

export interface MailFields {
  mailbox: string | null;
  callerNumber: string | null;
  callerName: string | null;
}

interface CompiledPattern {
  from: IntakePattern["from"];
  re: RegExp;
}

/** Compiles the configured patterns (the config already checked they compile and name a group). */
export function compilePatterns(patterns: readonly IntakePattern[]): CompiledPattern[] {
  return patterns.map((p) => ({ from: p.from, re: new RegExp(p.regex, p.flags) }));
}

/**
 * Runs the patterns in order; the first value found for a field wins. A
 * `callerId` group ("Alice" <5551234>, a number or a name) fills the caller's
 * number and name that are still empty. Values are trimmed and bounded.
 */
export function extractFields(patterns: readonly CompiledPattern[], mail: MailText): MailFields {
  const out: MailFields = { mailbox: null, callerNumber: null, callerName: null };
  for (const p of patterns) {
    for (const text of sources(p.from, mail)) {
      const groups = p.re.exec(text)?.groups;
      if (!groups) continue;
      out.mailbox ??= clean(groups.mailbox);
      out.callerNumber ??= normaliseNumber(groups.callerNumber);
      out.callerName ??= clean(groups.callerName);
      if (groups.callerId !== undefined) {
        const id = parseCallerId(groups.callerId);
        out.callerNumber ??= id.number;
        out.callerName ??= id.name;
      }
    }
    if (out.mailbox && out.callerNumber && out.callerName) break;
  }
  return out;
}

function sources(from: IntakePattern["from"], mail: MailText): readonly string[] {
  if (from === "subject") return [mail.subject];
  if (from === "body") return [mail.body];
  if (from === "recipient") return mail.recipients;
  const value = mail.header(from.slice("header:".length));
  return value === null ? [] : [value];
}

function clean(value: string | undefined): string | null {
  const text = value?.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  return text ? text.slice(0, 128) : null;
}
