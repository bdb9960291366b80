import { describe, expect, it } from "vitest";
import { normalizeE164 } from "../../../src/lib/phone.js";

const us = { defaultCountryCode: "1" };
const uk = { defaultCountryCode: "44" };

describe("phone numbers to E.164", () => {
  it.each([
    ["(415) 555-0123", us, "+14155550123"],
    ["1 415 555 0123", us, "+14155550123"],
    ["+44 20 7946 0958", us, "+442079460958"],
    ["011 44 20 7946 0958", us, "+442079460958"],
    ["020 7946 0958", uk, "+442079460958"],
    ["0044 20 7946 0958", uk, "+442079460958"],
    ["four one five five five five zero one two three", us, "+14155550123"],
  ])("%s -> %s", (raw, opts, expected) => {
    expect(normalizeE164(raw, opts)).toBe(expected);
  });

  it.each(["", "call me", "12345", "555-0123", "+0 123 456 789", "1".repeat(20)])("leaves %j alone (null)", (raw) => {
    expect(normalizeE164(raw, us)).toBeNull();
  });
});
