import { describe, expect, it } from "vitest";
import { rtpSection } from "../../../src/config/sections/rtp.js";

describe("rtp config section", () => {
  it("has working defaults", () => {
    expect(rtpSection.parse({})).toEqual({
      ports: { min: 20000, max: 20999 },
      bindHost: "127.0.0.1",
      jitterBuffer: { minMs: 20, initialMs: 60, maxMs: 200 },
      sendSilenceWhenIdle: true,
      latchAnySource: false,
      maxInboundFrames: 50,
      mediaThreads: 1,
      mediaThreadPriority: "realtime",
    });
  });

  it("rejects unknown keys, inverted ranges and a range with no even port", () => {
    expect(() => rtpSection.parse({ portz: 1 })).toThrow();
    expect(() => rtpSection.parse({ ports: { min: 30000, max: 20000 } })).toThrow(/min must not be above/);
    expect(() => rtpSection.parse({ ports: { min: 20001, max: 20001 } })).toThrow(/even port/);
    expect(() => rtpSection.parse({ jitterBuffer: { minMs: 100, initialMs: 50 } })).toThrow(
      /minMs <= initialMs <= maxMs/,
    );
    expect(() => rtpSection.parse({ mediaThreads: 0 })).toThrow();
    expect(() => rtpSection.parse({ mediaThreadPriority: "max" })).toThrow();
    expect(rtpSection.parse({ ports: { min: 40000, max: 40001 } }).ports).toEqual({ min: 40000, max: 40001 });
  });
});
