import type { NotifyConfig } from "../../config/sections/notify.js";
import { isoDate, localParts } from "../../lib/zoned-time.js";
import { nextCallSlot, type AttemptCounter } from "../compliance/calling-rules.js";
import {
  isCallingDay,
  localDateOf,
  minutesOf,
  WEEKDAYS,
  type Weekday,
  type WindowRules,
} from "../compliance/window.js";

/**
 * When a callback someone asked for may be placed. Such calls follow
 * `notify.callbacks` (wider hours than outreach, no quiet days by default),
 * the per-number daily cap, and, at dial time, the do-not-call list. A
 * voicemail urgent enough (`anyTimeFromUrgency`) is called at once.
 */
export interface CallbackTiming {
  /** When it will be placed; null when the rules leave no time within the month. */
  at: number | null;
  /** Why it is later than asked and when it is placed (what the inbox shows), or null when it is not later. */
  delay: string | null;
  /** The rule that stops the asked-for time, alone ("sun is a quiet day for callbacks ..."), or null. */
  why: string | null;
}

const SLACK_MS = 60_000;

/** The callback rules for a recipient in `timeZone`; an urgent enough callback has no hours and no days off. */
export function callbackRules(notify: NotifyConfig, timeZone: string, urgency: number | null = null): WindowRules {
  const c = notify.callbacks;
  if (c.anyTimeFromUrgency > 0 && urgency !== null && urgency >= c.anyTimeFromUrgency) {
    return { timeZone, startMin: 0, endMin: 24 * 60, quietDays: new Set(), holidays: new Set() };
  }
  return {
    timeZone,
    startMin: minutesOf(c.window.start),
    endMin: minutesOf(c.window.end),
    quietDays: new Set<Weekday>(c.quietDays),
    holidays: new Set(c.observeHolidays ? notify.holidays : []),
  };
}

/** When a callback asked for at `requested` is placed, and why later if it is. */
export async function callbackTiming(
  notify: NotifyConfig,
  rules: WindowRules,
  requested: number,
  attempts: AttemptCounter,
): Promise<CallbackTiming> {
  const at = await nextCallSlot(requested, rules, notify.maxAttemptsPerDay, attempts);
  if (at === null)
    return {
      at: null,
      delay: "the callback rules leave no time to call within a month",
      why: "the callback rules leave no time to call within a month",
    };
  if (at <= requested + SLACK_MS) return { at, delay: null, why: null };
  const why = whyNot(requested, rules, notify.maxAttemptsPerDay);
  return { at, delay: `${why}; placed ${localLabel(at, rules.timeZone)}`, why };
}

/** The first rule that stops a call at `at`, in words an operator can act on. */
function whyNot(at: number, rules: WindowRules, perDay: number): string {
  const date = localDateOf(at, rules.timeZone);
  if (!isCallingDay(date, rules)) {
    const day = WEEKDAYS[localParts(at, rules.timeZone).weekday] ?? "sun";
    return rules.quietDays.has(day)
      ? `${day} is a quiet day for callbacks (notify.callbacks.quietDays)`
      : `${isoDate(date)} is a holiday (notify.holidays)`;
  }
  const p = localParts(at, rules.timeZone);
  const minute = p.hour * 60 + p.minute;
  if (minute < rules.startMin || minute >= rules.endMin)
    return `${hhmm(minute)} is outside the callback hours ${hhmm(rules.startMin)}-${hhmm(rules.endMin)} ${rules.timeZone} (notify.callbacks.window)`;
  return `this number has had ${perDay} calls today, the most allowed (notify.maxAttemptsPerDay)`;
}

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

/** "Mon 30 Nov 08:00 America/Chicago": how a person would say the time, where it is. */
export function localLabel(ms: number, timeZone: string): string {
  const text = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  })
    .format(ms)
    .replace(",", "");
  return `${text} ${timeZone}`;
}

/** What the rest of Parley asks about a callback: when it can be placed for a person at a number. */
export type CallbackTimer = (
  to: string | null,
  requested: number,
  urgency?: number | null,
) => Promise<CallbackTiming & { timeZone: string | null; atLocal: string | null }>;
