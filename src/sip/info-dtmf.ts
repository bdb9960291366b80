/**
 * Keypad digits sent as SIP INFO instead of RFC 4733 events (Cisco and many
 * SBCs do this): `application/dtmf-relay` ("Signal=5\r\nDuration=160") and
 * `application/dtmf` (the bare digit, or its RFC 4733 event code).
 */
export interface InfoDigit {
  digit: string;
  /** What the sender said the key lasted, when it said. */
  durationMs: number | null;
}

const EVENT_KEYS = "0123456789*#ABCD";

/** The digit an INFO carries, or null when it carries none we know (other content types, flash, garbage). */
export function parseInfoDtmf(contentType: string, body: string): InfoDigit | null {
  const type = contentType.split(";")[0]?.trim().toLowerCase();
  if (type === "application/dtmf-relay") {
    const fields = new Map<string, string>();
    for (const line of body.split(/\r?\n/)) {
      const m = /^\s*([A-Za-z-]+)\s*=\s*(\S+)\s*$/.exec(line);
      if (m?.[1] && m[2]) fields.set(m[1].toLowerCase(), m[2]);
    }
    const digit = keyOf(fields.get("signal") ?? "");
    if (digit === null) return null;
    const duration = Number(fields.get("duration"));
    return { digit, durationMs: Number.isInteger(duration) && duration > 0 && duration < 60_000 ? duration : null };
  }
  if (type === "application/dtmf") {
    const digit = keyOf(body.trim());
    return digit === null ? null : { digit, durationMs: null };
  }
  return null;
}

/** "5", "*", "a" or an RFC 4733 event code ("10" is *, "11" is #) as the key's character. */
function keyOf(text: string): string | null {
  if (/^[0-9*#]$/.test(text)) return text;
  if (/^[A-Da-d]$/.test(text)) return text.toUpperCase();
  if (/^\d{1,2}$/.test(text)) return EVENT_KEYS[Number(text)] ?? null;
  return null;
}
