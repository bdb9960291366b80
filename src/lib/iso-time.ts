/**
 * Times leave Parley as ISO 8601 strings in UTC ("2026-11-25T09:00:00.000Z"):
 * every API answer, webhook and event body, and every `--json` output. Inside
 * (the database, the queue, the clock) they stay milliseconds since the epoch.
 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function isoTimeOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** A copy of `record` with the named fields (ms or null) turned into ISO strings; other fields untouched. */
export function withIsoTimes<T extends object, K extends keyof T>(
  record: T,
  keys: readonly K[],
): Omit<T, K> & { [P in K]: string | null } {
  const out = { ...record } as Record<string, unknown>;
  for (const k of keys) {
    const v = record[k];
    out[k as string] = typeof v === "number" ? isoTime(v) : null;
  }
  return out as Omit<T, K> & { [P in K]: string | null };
}
