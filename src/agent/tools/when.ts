/**
 * Understands the times people agree on the phone, as an LLM writes them in a
 * tool call: ISO 8601, "tomorrow 10:00", "today at 3pm", "monday 9:30 am",
 * "in 2 hours", "in 30 minutes", "10am". Times are wall-clock in the given
 * IANA time zone (the site's). Returns null when it cannot be sure: the agent
 * then asks again rather than calling at a guessed time.
 */
const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

export function parseWhen(text: string, now: Date, timeZone: string): Date | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, " ");
  if (!s) return null;
  if (/^\d{4}-\d{2}-\d{2}t\d{2}:\d{2}/.test(s)) {
    const d = new Date(text.trim());
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const rel = /^in (\d+|an?|one|two|three) (minute|minutes|hour|hours|day|days)$/.exec(s);
  if (rel) {
    const n = { a: 1, an: 1, one: 1, two: 2, three: 3 }[rel[1] as "a"] ?? Number(rel[1]);
    const unit = rel[2]!.startsWith("minute") ? 60_000 : rel[2]!.startsWith("hour") ? 3_600_000 : 86_400_000;
    return new Date(now.getTime() + n * unit);
  }
  const m =
    /^(?:(today|tomorrow|sunday|monday|tuesday|wednesday|thursday|friday|saturday)\s*)?(?:at\s*)?(\d{1,2})(?::(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$/.exec(
      s,
    );
  if (!m) return null;
  let hour = Number(m[2]);
  const minute = m[3] ? Number(m[3]) : 0;
  const meridiem = m[4]?.replace(/\./g, "");
  if (meridiem === "pm" && hour < 12) hour += 12;
  if (meridiem === "am" && hour === 12) hour = 0;
  if (hour > 23 || minute > 59 || (!m[3] && !meridiem && !m[1])) return null; // a bare "10" is not a time
  const local = wallClock(now, timeZone);
  let dayOffset = 0;
  if (m[1] === "tomorrow") dayOffset = 1;
  else if (m[1] && m[1] !== "today") dayOffset = (DAYS.indexOf(m[1]) - local.weekday + 7) % 7 || 7;
  let candidate = fromWallClock(
    { year: local.year, month: local.month, day: local.day + dayOffset, hour, minute },
    timeZone,
  );
  // "10am" with no day, already past today: the next 10am.
  if (!m[1] && candidate.getTime() <= now.getTime())
    candidate = fromWallClock({ year: local.year, month: local.month, day: local.day + 1, hour, minute }, timeZone);
  return candidate;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallClock(d: Date, timeZone: string): Wall & { weekday: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "long",
      hourCycle: "h23",
    })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekday: DAYS.indexOf(String(parts.weekday).toLowerCase()),
  };
}

/** The instant at which the zone's clocks show this wall time (two passes settle DST offsets). */
export function fromWallClock(w: Wall, timeZone: string): Date {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const shown = wallClock(new Date(t), timeZone);
    const shownUtc = Date.UTC(shown.year, shown.month - 1, shown.day, shown.hour, shown.minute);
    t += guess - shownUtc;
  }
  return new Date(t);
}
