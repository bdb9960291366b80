/**
 * Redaction of structured values: transcripts (arrays of turns), summaries,
 * webhook bodies, log objects. Strings are masked wherever they sit, except
 * under keys that hold identifiers and timestamps, which must stay exact for
 * the record to mean anything. The input is never changed.
 */

/** `preserveKeys` entries: exact key names, or "/regex/flags". */
export function keyMatcher(entries: readonly string[]): (key: string) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const e of entries) {
    const m = /^\/(.+)\/([a-z]*)$/.exec(e);
    if (m) patterns.push(new RegExp(m[1]!, m[2]));
    else exact.add(e);
  }
  return (key) => exact.has(key) || patterns.some((p) => p.test(key));
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

export function redactStructured<T>(value: T, text: (s: string) => string, preserve: (key: string) => boolean): T {
  const seen = new WeakMap<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return text(v);
    if (v === null || typeof v !== "object") return v;
    if (seen.has(v)) return seen.get(v);
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      seen.set(v, out);
      for (const item of v) out.push(walk(item));
      return out;
    }
    if (v instanceof Error) {
      // Messages and stacks quote what failed, values included; keep the type and code.
      const copy = new Error(text(v.message));
      copy.name = v.name;
      if (v.stack) copy.stack = text(v.stack);
      seen.set(v, copy);
      for (const [k, item] of Object.entries(v))
        (copy as unknown as Record<string, unknown>)[k] = preserve(k) ? item : walk(item);
      return copy;
    }
    // Dates, buffers, typed arrays (audio), maps, class instances: not text, left as they are.
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const [k, item] of Object.entries(v)) out[k] = preserve(k) ? item : walk(item);
    return out;
  };
  return walk(value) as T;
}
