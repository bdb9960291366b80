/** A caller as the PBX wrote it. */
export interface CallerParts {
  number: string | null;
  name: string | null;
}

/** What Asterisk and others write when there is no caller ID. */
const UNKNOWN = /^(?:an unknown caller|unknown|<unknown>|anonymous|restricted|private|unavailable)$/i;
/** A dialable number or extension: digits with an optional +, * and #, or a SIP user. */
const NUMBER = /^\+?[0-9*#][0-9*#\-. ()]*$/;

/**
 * Splits a caller ID as PBXs print it: `"Alice Smith" <5551234>`,
 * `Alice Smith <5551234>`, `<5551234>`, `5551234` or a bare name. Asterisk's
 * "an unknown caller" and other placeholders give nothing. The number keeps
 * only what identifies it (no spaces, dashes or brackets).
 */
export function parseCallerId(text: string | null | undefined): CallerParts {
  const value = clean(text);
  if (!value || UNKNOWN.test(value)) return { number: null, name: null };
  const angled = /^(?:"((?:[^"\\]|\\.)*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(value);
  if (angled) {
    const name = clean(angled[1]?.replace(/\\(.)/g, "$1") ?? angled[2]);
    return { number: normaliseNumber(angled[3]), name: name && !UNKNOWN.test(name) ? name : null };
  }
  const unquoted = value.replace(/^"(.*)"$/, "$1");
  return NUMBER.test(unquoted) ? { number: normaliseNumber(unquoted), name: null } : { number: null, name: unquoted };
}

/** A number or SIP user from a caller ID: sip:/tel: prefixes and host parts go, and spacing. */
export function normaliseNumber(text: string | null | undefined): string | null {
  let value = clean(text);
  if (!value || UNKNOWN.test(value)) return null;
  value = value
    .replace(/^(?:sips?|tel):/i, "")
    .replace(/@.*$/, "")
    .replace(/;.*$/, "");
  const compact = value.replace(/[\s\-.()]/g, "");
  return compact ? compact.slice(0, 64) : null;
}

function clean(text: string | null | undefined): string | null {
  const value = text?.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  return value ? value.slice(0, 128) : null;
}
