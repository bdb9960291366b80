import { z } from "zod";
import { clockTime, weekdayName, type NotifyConfig } from "../../config/sections/notify.js";
import { isTimeZone } from "../../lib/zoned-time.js";
import {
  HORIZON_DAYS,
  minutesOf,
  nextLocalDay,
  nextOpening,
  startOfLocalDay,
  type Weekday,
  type WindowRules,
} from "./window.js";
import { zoneForNumber } from "./zones.js";

/**
 * A notification's or campaign's own window, as the API takes it and the
 * database stores it: every field optional, the config fills the rest.
 */
export const windowSpecSchema = z
  .object({
    timeZone: z
      .string()
      .refine(isTimeZone, { message: "not an IANA time zone (e.g. America/Chicago)" })
      .optional()
      .describe("the recipient's zone; derived from the number when absent"),
    start: clockTime.optional().describe("local HH:MM; notify.window.start when absent"),
    end: clockTime.optional().describe("local HH:MM; notify.window.end when absent"),
    quietDays: z.array(weekdayName).max(7).optional().describe("replaces notify.quietDays"),
    holidays: z
      .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD"))
      .max(366)
      .optional()
      .describe("added to notify.holidays"),
  })
  .strict()
  .refine((w) => !w.start || !w.end || w.start < w.end, { message: "start must be before end" });

export type { WindowSpec } from "../../store/records/outbound.js";
import type { WindowSpec } from "../../store/records/outbound.js";
// The schema's output is exactly the stored shape.
const _sameShape: z.ZodType<WindowSpec> = windowSpecSchema;
void _sameShape;

/** The recipient's zone: an explicit one, else the window's, else the number's, else the configured default. */
export function resolveZone(
  config: NotifyConfig,
  to: string,
  explicit?: string | null,
  spec?: WindowSpec | null,
): string {
  return explicit ?? spec?.timeZone ?? zoneForNumber(to, config.defaultTimeZone, config.zones);
}

/** The rules for one recipient: config defaults narrowed or moved by the spec. */
export function rulesFor(config: NotifyConfig, timeZone: string, spec?: WindowSpec | null): WindowRules {
  const start = spec?.start ?? config.window.start;
  const end = spec?.end ?? config.window.end;
  return {
    timeZone,
    startMin: minutesOf(start),
    endMin: minutesOf(end),
    quietDays: new Set<Weekday>(spec?.quietDays ?? config.quietDays),
    holidays: new Set([...config.holidays, ...(spec?.holidays ?? [])]),
  };
}

/** Dials already made to the number between two instants. */
export type AttemptCounter = (from: number, to: number) => number | Promise<number>;

/**
 * The earliest instant at or after `from` when the number may be dialled:
 * inside the window, and on a local day with fewer than `perDay` dials so far.
 * Null when the rules leave no such time within the horizon.
 */
export async function nextCallSlot(
  from: number,
  rules: WindowRules,
  perDay: number,
  attempts: AttemptCounter,
): Promise<number | null> {
  let t = from;
  for (let i = 0; i <= HORIZON_DAYS; i++) {
    const open = nextOpening(t, rules);
    if (open === null) return null;
    const dayStart = startOfLocalDay(open, rules.timeZone);
    const dayEnd = nextLocalDay(open, rules.timeZone);
    if ((await attempts(dayStart, dayEnd)) < perDay) return open;
    t = dayEnd;
  }
  return null;
}
