import { describe, expect, it } from "vitest";
import { BUILTIN_ZONES, NANP_AREA_CODES, zoneForNumber } from "../../../src/notify/compliance/zones.js";
import { isTimeZone } from "../../../src/lib/zoned-time.js";

describe("time zone from the number", () => {
  it("places North American numbers by area code and others by country code", () => {
    const cases: Record<string, string> = {
      "+12125550123": "America/New_York",
      "+13125550123": "America/Chicago",
      "+17205550123": "America/Denver",
      "+16025550123": "America/Phoenix",
      "+14155550123": "America/Los_Angeles",
      "+18085550123": "Pacific/Honolulu",
      "+14165550123": "America/Toronto",
      "+16045550123": "America/Vancouver",
      "+17875550123": "America/Puerto_Rico",
      "+442071234567": "Europe/London",
      "+33123456789": "Europe/Paris",
      "+4930123456": "Europe/Berlin",
      "+61212345678": "Australia/Sydney",
      "+61891234567": "Australia/Perth",
      "+819012345678": "Asia/Tokyo",
    };
    for (const [number, zone] of Object.entries(cases)) expect(zoneForNumber(number, "UTC"), number).toBe(zone);
  });

  it("falls back for unknown prefixes and non-numbers; site rules win by longest prefix", () => {
    expect(zoneForNumber("+19995550123", "Europe/Oslo")).toBe("Europe/Oslo");
    expect(zoneForNumber("+8801712345678", "UTC")).toBe("UTC");
    expect(zoneForNumber("sip:bob@pbx", "UTC")).toBe("UTC");
    expect(zoneForNumber("+12125550123", "UTC", { "1212": "America/Chicago" })).toBe("America/Chicago");
    expect(zoneForNumber("+12125550123", "UTC", { "1": "America/Denver" })).toBe("America/New_York");
  });

  it("names only zones Intl knows, and each area code once", () => {
    for (const zone of new Set(Object.values(BUILTIN_ZONES))) expect(isTimeZone(zone), zone).toBe(true);
    const codes = Object.values(NANP_AREA_CODES).flatMap((s) => s.split(" "));
    expect(codes.every((c) => /^[2-9]\d\d$/.test(c))).toBe(true);
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
  });
});
