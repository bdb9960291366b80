import { describe, expect, it } from "vitest";
import { notifySection } from "../../../src/config/sections/notify.js";
import { nextCallSlot, rulesFor } from "../../../src/notify/compliance/calling-rules.js";
import { isOpen, nextOpening, type WindowRules } from "../../../src/notify/compliance/window.js";
import { zonedTimeToUtc } from "../../../src/lib/zoned-time.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const config = notifySection.parse({ quietDays: ["sun"], holidays: ["2026-12-25"] });
const rules = (zone: string, spec = {}): WindowRules => rulesFor(config, zone, spec);

describe("calling windows in the recipient's time zone", () => {
  it("opens at 09:00 and closes at 20:00 local, whatever the server's zone", () => {
    const ny = rules("America/New_York");
    expect(iso(nextOpening(at("2026-01-15T13:00:00Z"), ny))).toBe("2026-01-15T14:00:00.000Z"); // 08:00 EST -> 09:00
    expect(isOpen(at("2026-01-15T14:30:00Z"), ny)).toBe(true);
    expect(isOpen(at("2026-01-16T00:59:00Z"), ny)).toBe(true); // 19:59 EST
    expect(iso(nextOpening(at("2026-01-16T01:00:00Z"), ny))).toBe("2026-01-16T14:00:00.000Z"); // 20:00 EST: closed until tomorrow
    // One instant, three recipients: open in London, not yet in New York, long closed in Tokyo.
    const t = at("2026-01-15T12:00:00Z");
    expect(isOpen(t, rules("Europe/London"))).toBe(true);
    expect(isOpen(t, ny)).toBe(false);
    expect(iso(nextOpening(t, rules("Asia/Tokyo")))).toBe("2026-01-16T00:00:00.000Z"); // 21:00 JST -> 09:00 next day
  });

  it("follows daylight saving time on both changes", () => {
    const ny = rules("America/New_York", { quietDays: [] });
    // Spring forward (Sun 8 Mar 2026): 09:00 is EDT, 13:00Z; the day before it was EST, 14:00Z.
    expect(iso(nextOpening(at("2026-03-07T06:00:00Z"), ny))).toBe("2026-03-07T14:00:00.000Z");
    expect(iso(nextOpening(at("2026-03-08T05:00:00Z"), ny))).toBe("2026-03-08T13:00:00.000Z");
    // Fall back (Sun 1 Nov 2026): 09:00 EST is 14:00Z again.
    expect(iso(nextOpening(at("2026-10-31T05:00:00Z"), ny))).toBe("2026-10-31T13:00:00.000Z");
    expect(iso(nextOpening(at("2026-11-01T05:00:00Z"), ny))).toBe("2026-11-01T14:00:00.000Z");
    // Europe changes on another date (29 Mar 2026).
    const paris = rules("Europe/Paris", { quietDays: [] });
    expect(iso(nextOpening(at("2026-03-28T00:00:00Z"), paris))).toBe("2026-03-28T08:00:00.000Z");
    expect(iso(nextOpening(at("2026-03-29T00:00:00Z"), paris))).toBe("2026-03-29T07:00:00.000Z");
  });

  it("resolves local times in a DST gap forward and in an overlap to the earlier instant", () => {
    expect(iso(zonedTimeToUtc({ year: 2026, month: 3, day: 8 }, 150, "America/New_York"))).toBe(
      "2026-03-08T07:30:00.000Z",
    ); // 02:30 -> 03:30 EDT
    expect(iso(zonedTimeToUtc({ year: 2026, month: 11, day: 1 }, 90, "America/New_York"))).toBe(
      "2026-11-01T05:30:00.000Z",
    ); // 01:30 EDT
    const early = rules("America/New_York", { start: "02:30", end: "04:00", quietDays: [] });
    expect(iso(nextOpening(at("2026-03-08T05:00:00Z"), early))).toBe("2026-03-08T07:30:00.000Z");
  });

  it("skips quiet days and holidays, on the recipient's calendar", () => {
    const ny = rules("America/New_York");
    // Saturday 21:00 EST -> Sunday is quiet -> Monday 09:00.
    expect(iso(nextOpening(at("2026-01-18T02:00:00Z"), ny))).toBe("2026-01-19T14:00:00.000Z");
    // Christmas Eve (Thu) evening -> Christmas (Fri) is a holiday -> Saturday.
    expect(iso(nextOpening(at("2026-12-25T02:00:00Z"), ny))).toBe("2026-12-26T14:00:00.000Z");
    // At 23:30 UTC on the 24th it is already Christmas in Tokyo but not in Los Angeles.
    const t = at("2026-12-24T23:30:00Z");
    expect(isOpen(t, rules("America/Los_Angeles"))).toBe(true);
    expect(iso(nextOpening(t, rules("Asia/Tokyo")))).toBe("2026-12-26T00:00:00.000Z");
    // A window's own quiet days replace the configured ones; its holidays add to them.
    expect(iso(nextOpening(at("2026-01-18T02:00:00Z"), rules("America/New_York", { quietDays: ["sat"] })))).toBe(
      "2026-01-18T14:00:00.000Z",
    );
    expect(iso(nextOpening(at("2026-01-19T13:00:00Z"), rules("America/New_York", { holidays: ["2026-01-19"] })))).toBe(
      "2026-01-20T14:00:00.000Z",
    );
  });

  it("narrows the hours per notification and reports when no time is left", () => {
    const short = rules("Europe/London", { start: "12:00", end: "12:30" });
    expect(iso(nextOpening(at("2026-01-15T12:30:00Z"), short))).toBe("2026-01-16T12:00:00.000Z");
    expect(
      nextOpening(
        at("2026-01-15T12:00:00Z"),
        rules("UTC", { quietDays: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] }),
      ),
    ).toBeNull();
  });
});

describe("attempts per recipient per day", () => {
  const ny = rules("America/New_York");
  const dials: number[] = [];
  const counter = (from: number, to: number) => dials.filter((t) => t >= from && t < to).length;

  it("moves to the next calling day once the local day's cap is used", async () => {
    dials.push(at("2026-01-15T14:05:00Z"), at("2026-01-15T15:00:00Z"));
    expect(iso(await nextCallSlot(at("2026-01-15T16:00:00Z"), ny, 3, counter))).toBe("2026-01-15T16:00:00.000Z");
    dials.push(at("2026-01-15T16:00:00Z"));
    expect(iso(await nextCallSlot(at("2026-01-15T16:30:00Z"), ny, 3, counter))).toBe("2026-01-16T14:00:00.000Z");
    // The day is the recipient's: 02:00Z on the 16th is still the 15th in New York.
    expect(iso(await nextCallSlot(at("2026-01-16T02:00:00Z"), ny, 3, counter))).toBe("2026-01-16T14:00:00.000Z");
    // A dial at 23:00 local on the 15th counts for the 15th, not the 16th.
    expect(counter(zonedTimeToUtc({ year: 2026, month: 1, day: 16 }, 0, "America/New_York"), Infinity)).toBe(0);
  });
});
