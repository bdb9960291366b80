import { describe, expect, it } from "vitest";
import { isAssignedE164, normalizeE164, parseE164, repairLegacyE164 } from "../../../src/lib/phone.js";

const us = { defaultCountryCode: "1" };
const uk = { defaultCountryCode: "44" };
const italy = { defaultCountryCode: "39" };
const germany = { defaultCountryCode: "49" };

describe("phone numbers to E.164", () => {
  it.each([
    // North America: 10 digits, or 11 with the leading 1; 011 is the international prefix.
    ["(415) 555-0123", us, "+14155550123"],
    ["1 415 555 0123", us, "+14155550123"],
    ["+44 20 7946 0958", us, "+442079460958"],
    ["011 44 20 7946 0958", us, "+442079460958"],
    ["four one five five five five zero one two three", us, "+14155550123"],
    // UK: the trunk 0 is dropped after +44.
    ["020 7946 0958", uk, "+442079460958"],
    ["07700 900123", uk, "+447700900123"],
    ["0044 20 7946 0958", uk, "+442079460958"],
    // Italy: the leading 0 of a fixed line is part of the number and stays after +39; mobiles have none.
    ["06 1234 5678", italy, "+390612345678"],
    ["02 1234 5678", italy, "+390212345678"],
    ["347 123 4567", italy, "+393471234567"],
    ["+39 06 1234 5678", us, "+390612345678"],
    ["0039 06 1234 5678", uk, "+390612345678"],
    // Germany: trunk 0 dropped, area codes of varying length.
    ["030 1234567", germany, "+49301234567"],
    ["089 12345678", germany, "+498912345678"],
    ["0151 23456789", germany, "+4915123456789"],
    ["+49 30 1234567", us, "+49301234567"],
  ])("%s at a site with %o -> %s", (raw, opts, expected) => {
    expect(normalizeE164(raw, opts)).toBe(expected);
    expect(parseE164(raw, opts)).toEqual({ e164: expected });
  });

  it.each([
    ["", us, "empty", /no phone number given/],
    ["call me", us, "not_a_number", /"call me" is not a phone number/],
    ["12345", us, "too_short", /"12345" is too short for a phone number with country code \+1/],
    ["555-0123", us, "too_short", /too short/],
    ["06 12", italy, "too_short", /too short for a phone number with country code \+39/],
    ["+0 123 456 789", us, "unknown_country_code", /does not start with a known country calling code/],
    ["+999 1234 5678", us, "unknown_country_code", /known country calling code/],
    ["1".repeat(20), us, "too_long", /too long/],
    [
      "020 7946 0958",
      { defaultCountryCode: "999" },
      "unknown_country_code",
      /site's country code \+999 is not a known calling code/,
    ],
  ])("refuses %j at a site with %o: %s", (raw, opts, problem, message) => {
    expect(normalizeE164(raw, opts)).toBeNull();
    const parsed = parseE164(raw, opts);
    expect(parsed).toMatchObject({ problem });
    expect("error" in parsed ? parsed.error : "").toMatch(message);
  });

  it("tells an assigned number from one of a possible length only", () => {
    expect(isAssignedE164("+390612345678")).toBe(true);
    expect(isAssignedE164("+39612345678")).toBe(false);
    expect(isAssignedE164("not a number")).toBe(false);
  });
});

describe("repairing numbers stored by the old normalisation", () => {
  it.each([
    // The old code dropped Italy's leading 0: put it back.
    ["+39612345678", "+390612345678"],
    ["+39212345678", "+390212345678"],
    // Right already: unchanged.
    ["+390612345678", "+390612345678"],
    ["+393471234567", "+393471234567"],
    ["+442079460958", "+442079460958"],
    ["+14155550123", "+14155550123"],
    ["+4930123456", "+4930123456"],
    // Not a number we can improve: unchanged.
    ["+15550123", "+15550123"],
    ["sip:alice@pbx.example", "sip:alice@pbx.example"],
    ["", ""],
  ])("%s -> %s", (stored, expected) => {
    expect(repairLegacyE164(stored)).toBe(expected);
  });
});
