import { addDays, isoDate, localParts, weekdayOf, zonedTimeToUtc, type LocalDate } from "../../lib/zoned-time.js";

/**
 * Calling windows: when a recipient may be called, in their own time zone.
 * Pure functions of an instant and the rules, so they are tested with fixed
 * instants across DST changes, quiet days and holidays.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WindowRules {
  timeZone: string;
  /** Minutes after local midnight: calls start at or after `startMin` and before `endMin`. */
  startMin: number;
  endMin: number;
  /** Local weekdays with no calls. */
  quietDays: ReadonlySet<Weekday>;
  /** Local dates "YYYY-MM-DD" with no calls. */
  holidays: ReadonlySet<string>;
}

/** How far ahead a window is looked for; beyond it the rules are taken to forbid calling at all. */
export const HORIZON_DAYS = 31;

/** "09:30" -> 570. */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** The local date of an instant in the rules' zone. */
export function localDateOf(ms: number, timeZone: string): LocalDate {
  const p = localParts(ms, timeZone);
  return { year: p.year, month: p.month, day: p.day };
}

/** Whether calls may happen at all on a local date (not a quiet day, not a holiday). */
export function isCallingDay(date: LocalDate, rules: WindowRules): boolean {
  return !rules.quietDays.has(WEEKDAYS[weekdayOf(date)] ?? "sun") && !rules.holidays.has(isoDate(date));
}

/** Opening and closing instants of the window on a local date (whether or not it is a calling day). */
export function windowOn(date: LocalDate, rules: WindowRules): { open: number; close: number } {
  return {
    open: zonedTimeToUtc(date, rules.startMin, rules.timeZone),
    close: zonedTimeToUtc(date, rules.endMin, rules.timeZone),
  };
}

/**
 * The earliest instant at or after `from` inside the window: `from` itself when
 * the window is open, else the next opening. Null when there is none within
 * HORIZON_DAYS (every day quiet, say).
 */
export function nextOpening(from: number, rules: WindowRules): number | null {
  const today = localDateOf(from, rules.timeZone);
  for (let d = 0; d <= HORIZON_DAYS; d++) {
    const date = addDays(today, d);
    if (!isCallingDay(date, rules)) continue;
    const { open, close } = windowOn(date, rules);
    if (from < close) return Math.max(from, open);
  }
  return null;
}

/** True when a call may start at `at`. */
export function isOpen(at: number, rules: WindowRules): boolean {
  return nextOpening(at, rules) === at;
}

/** Local midnight of the day after the one `at` falls on (where a per-day cap resets). */
export function nextLocalDay(at: number, timeZone: string): number {
  return zonedTimeToUtc(addDays(localDateOf(at, timeZone), 1), 0, timeZone);
}

/** Local midnight starting the day `at` falls on. */
export function startOfLocalDay(at: number, timeZone: string): number {
  return zonedTimeToUtc(localDateOf(at, timeZone), 0, timeZone);
}
