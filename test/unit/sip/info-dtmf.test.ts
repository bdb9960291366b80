import { describe, expect, it } from "vitest";
import { parseInfoDtmf } from "../../../src/sip/info-dtmf.js";

describe("parseInfoDtmf", () => {
  it("reads application/dtmf-relay (Cisco) with its duration", () => {
    expect(parseInfoDtmf("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n")).toEqual({
      digit: "5",
      durationMs: 160,
    });
    expect(parseInfoDtmf("Application/DTMF-Relay; charset=x", "Signal= #\nDuration= 250")).toEqual({
      digit: "#",
      durationMs: 250,
    });
    expect(parseInfoDtmf("application/dtmf-relay", "Signal=10\r\nDuration=100")).toEqual({
      digit: "*",
      durationMs: 100,
    });
    expect(parseInfoDtmf("application/dtmf-relay", "Signal=a")).toEqual({ digit: "A", durationMs: null });
  });

  it("reads application/dtmf (a digit or its RFC 4733 event code)", () => {
    expect(parseInfoDtmf("application/dtmf", "9")).toEqual({ digit: "9", durationMs: null });
    expect(parseInfoDtmf("application/dtmf", "11\r\n")).toEqual({ digit: "#", durationMs: null });
  });

  it("ignores other content and anything that is not a key", () => {
    expect(parseInfoDtmf("application/media_control+xml", "<x/>")).toBeNull();
    expect(parseInfoDtmf("application/dtmf-relay", "Signal=16\r\nDuration=100")).toBeNull(); // flash
    expect(parseInfoDtmf("application/dtmf-relay", "Duration=100")).toBeNull();
    expect(parseInfoDtmf("application/dtmf", "12; rm -rf /")).toBeNull();
    expect(parseInfoDtmf("application/dtmf-relay", "Signal=5\r\nDuration=-3")).toEqual({
      digit: "5",
      durationMs: null,
    });
  });
});
