/**
 * Lexical helpers shared by the SIP header parsers: splitting on separators
 * outside quotes and angle brackets, parameters, quoting, and sanitising
 * values we echo. Values from the wire never reach a shell, a path or SQL:
 * we never shell out, and these strings are only compared, logged in named
 * fields, or written back into SIP messages (after `sanitizeHeaderValue`).
 */

/** Splits `value` on `sep` where it is not inside a quoted string or <...>. */
export function splitTopLevel(value: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === "<") depth++;
    else if (ch === ">") depth = Math.max(0, depth - 1);
    else if (ch === sep && depth === 0) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

/** Parses `a=1;b;c="x y"` (without a leading `;`) into lower-cased keys; values are unquoted. */
export function parseParams(text: string): Record<string, string | null> {
  const params: Record<string, string | null> = Object.create(null) as Record<string, string | null>;
  for (const part of splitTopLevel(text, ";")) {
    const eq = part.indexOf("=");
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!key) continue;
    params[key] = eq < 0 ? null : unquote(part.slice(eq + 1).trim());
  }
  return params;
}

/** Formats parameters back to `;a=1;b`. */
export function formatParams(params: Record<string, string | null>): string {
  return Object.entries(params)
    .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`))
    .join("");
}

/** Removes surrounding double quotes and backslash escapes. */
export function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, "$1");
  }
  return value;
}

/** Wraps in double quotes, escaping `"` and `\` (RFC 3261 quoted-string). */
export function quote(value: string): string {
  return `"${sanitizeHeaderValue(value).replace(/(["\\])/g, "\\$1")}"`;
}

/** A header value safe to write: CR, LF and NUL (header injection) become spaces. */
export function sanitizeHeaderValue(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\r\n\0]+/g, " ").trim();
}

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** True for an RFC 3261 token (method names, header names, parameter names). */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}
