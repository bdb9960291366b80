/**
 * Wall-clock time in an IANA time zone with nothing but Intl: the local date
 * and time of an instant, and the instant of a local date and time (DST
 * gaps and overlaps resolved the way people expect). Calling windows are
 * "9 to 8 where the recipient is", so they are computed here, never with the
 * server's own zone.
 */

/** A calendar date, month 1-12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface LocalParts extends LocalDate {
  hour: number;
  minute: number;
  /** 0 = Sunday ... 6 = Saturday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      weekday: "short",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (an IANA name such as "America/Chicago", or "UTC"). */
export function isTimeZone(name: string): boolean {
  try {
    formatter(name);
    return true;
  } catch {
    return false;
  }
}

/** The local date, time and weekday of an instant in a zone. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    weekday: WEEKDAYS[out.weekday ?? ""] ?? 0,
  };
}

/** Local time minus UTC at an instant, in ms (e.g. -5 h in New York in winter). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const out: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) out[p.type] = p.value;
  const asUtc = Date.UTC(
    Number(out.year),
    Number(out.month) - 1,
    Number(out.day),
    Number(out.hour),
    Number(out.minute),
    Number(out.second),
  );
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant when the wall clock in `timeZone` shows `minutes` after midnight on `date`.
 * In a spring-forward gap (02:30 that never happens) the result is the same distance after
 * the gap (03:30); in a fall-back overlap the earlier of the two instants.
 */
export function zonedTimeToUtc(date: LocalDate, minutes: number, timeZone: string): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const first = zoneOffsetMs(guess, timeZone);
  const t = guess - first;
  const second = zoneOffsetMs(t, timeZone);
  if (second === first) return t;
  const t2 = guess - second;
  // A consistent second reading means the first guess just sat across a transition; otherwise this is a gap.
  return zoneOffsetMs(t2, timeZone) === second ? t2 : t;
}

/** `date` plus `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 0 = Sunday ... 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** "YYYY-MM-DD". */
export function isoDate(date: LocalDate): string {
  return `${String(date.year).padStart(4, "0")}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;
}
