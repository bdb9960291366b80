import { z } from "zod";
import { isTimeZone } from "../../lib/zoned-time.js";

/**
 * Outbound voice: notifications, campaigns and callbacks (owned by
 * src/notify). Calling windows are in the recipient's time zone; the retry
 * policy says what each outcome leads to. Times are in milliseconds.
 */

const MINUTE = 60_000;
const zone = z
  .string()
  .min(1)
  .refine(isTimeZone, { message: "not an IANA time zone (e.g. America/Chicago, Europe/Paris, UTC)" });
/** "HH:MM", 24-hour; "24:00" is the end of the day. */
export const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "HH:MM, 24-hour (e.g. 09:00, 20:30)");
export const weekdayName = z.enum(["sun", "mon", "tue", "wed", "thu", "fri", "sat"]);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");

/** Retry one outcome up to `retries` more times (attempts so far count), `afterMs` later; `maxAfterMs` > afterMs doubles the wait each time. */
const retryRule = (retries: number, afterMs: number, maxAfterMs?: number) =>
  z
    .object({
      retries: z.number().int().min(0).max(20).default(retries),
      afterMs: z
        .number()
        .int()
        .min(0)
        .max(7 * 24 * 60 * MINUTE)
        .default(afterMs),
      maxAfterMs: z
        .number()
        .int()
        .min(0)
        .max(7 * 24 * 60 * MINUTE)
        .default(maxAfterMs ?? afterMs),
    })
    .strict()
    .prefault({});

export const notifySection = z
  .object({
    /** The zone of a number no prefix rule places (see docs/notifications.md for the built-in table). */
    defaultTimeZone: zone.default("UTC"),
    /** Extra E.164 prefix rules (digits, no '+') over the built-in table; the longest prefix wins. */
    zones: z.record(z.string().regex(/^\d{1,8}$/, "E.164 digits without '+'"), zone).default({}),
    /** Default calling hours, local to the recipient; a notification or campaign may narrow or move them. */
    window: z
      .object({ start: clockTime.default("09:00"), end: clockTime.default("20:00") })
      .strict()
      .prefault({})
      .refine((w) => w.start < w.end, { message: "start must be before end (no windows across midnight)" }),
    /** Days nobody is called, in the recipient's zone. */
    quietDays: z.array(weekdayName).default(["sun"]),
    /** Public holidays (recipient's local date) nobody is called. */
    holidays: z.array(date).default([]),
    /** Dials per recipient number per local day, across notifications, campaigns and callbacks. */
    maxAttemptsPerDay: z.number().int().min(1).max(50).default(3),
    retry: z
      .object({
        noAnswer: retryRule(3, 30 * MINUTE),
        busy: retryRule(3, 5 * MINUTE),
        /** A machine took the message: 0 retries = done; more = try again for a human. */
        voicemail: retryRule(0, 120 * MINUTE),
        /** Network or SIP failure: backs off, doubling up to maxAfterMs. */
        failed: retryRule(3, MINUTE, 60 * MINUTE),
      })
      .strict()
      .prefault({}),
    /** Answering-machine detection by default (a notification or campaign may turn it off). */
    amd: z.boolean().default(true),
    /** Spoken words after the message that put the number on the do-not-call list. */
    optOutWords: z.array(z.string().min(1).max(40)).default(["stop", "remove me", "unsubscribe", "do not call"]),
    /** Silence put between sentences when separately rendered pieces are joined. */
    sentencePauseMs: z.number().int().min(0).max(2000).default(350),
    /**
     * Callbacks the person asked for (a live call's "call me back", a voicemail's routing rule, a menu's "call me
     * back"): their own hours, wider than the outreach window above, because the person invited the call. See
     * docs/notifications.md, "Callbacks" for how this sits with calling-hour rules.
     */
    callbacks: z
      .object({
        /** Local to the person called. The default is the outer bound most calling-hour rules allow (8 am - 9 pm). */
        window: z
          .object({ start: clockTime.default("08:00"), end: clockTime.default("21:00") })
          .strict()
          .prefault({})
          .refine((w) => w.start < w.end, { message: "start must be before end (no windows across midnight)" }),
        /** Days no callback is placed; none by default (someone who asks to be called on Sunday asked). */
        quietDays: z.array(weekdayName).default([]),
        /** Keep notify.holidays free of callbacks too. */
        observeHolidays: z.boolean().default(false),
        /** A voicemail callback at or above this urgency is placed at once, whatever the hours (0: never). */
        anyTimeFromUrgency: z.number().int().min(0).max(5).default(0),
      })
      .strict()
      .prefault({}),
    /** Menu option "callback": when the callback is placed. */
    menuCallbackDelayMs: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60 * MINUTE)
      .default(60 * MINUTE),
    /** One campaign.tick job releases calls for this long, then hands over to the next (crash safety, fairness). */
    campaignSliceMs: z.number().int().min(1000).max(600_000).default(30_000),
  })
  .strict();

export type NotifyConfig = z.infer<typeof notifySection>;

/** A fixed starting time for the service clock (tests, demos): it then advances in real time. */
export const clockSection = z
  .object({
    startAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
