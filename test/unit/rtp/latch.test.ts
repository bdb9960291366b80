import { describe, expect, it } from "vitest";
import { LATCH_ACCEPT, LATCH_LATCHED, LATCH_REJECT, SymmetricLatch } from "../../../src/rtp/latch.js";

describe("SymmetricLatch matching the SDP (the default)", () => {
  it("latches only to a source at the SDP's address (any port); a stranger never latches, before or after", () => {
    const l = new SymmetricLatch();
    l.setRemote("10.0.0.5", 4000);
    expect(l.check("203.0.113.9", 61000, 77)).toBe(LATCH_REJECT); // a stranger spraying ports first
    expect([l.sendAddress, l.sendPort]).toEqual(["10.0.0.5", 4000]);
    expect(l.check("10.0.0.5", 4002, 5)).toBe(LATCH_LATCHED); // the PBX sending from another port
    expect([l.sendAddress, l.sendPort]).toEqual(["10.0.0.5", 4002]);
    expect(l.check("203.0.113.9", 61000, 5)).toBe(LATCH_REJECT); // even with the latched SSRC
    expect(l.check("10.0.0.5", 4000, 9)).toBe(LATCH_LATCHED); // the SDP's exact address and port wins
    expect(l.relatches).toBe(1);
  });

  it("accepts an IPv4 caller seen through a dual-stack socket; sends and latches nowhere on hold (c=0.0.0.0)", () => {
    const l = new SymmetricLatch();
    l.setRemote("10.0.0.5", 4000);
    expect(l.check("::ffff:10.0.0.5", 4000, 1)).toBe(LATCH_LATCHED);
    l.setRemote("0.0.0.0", 4000);
    expect(l.sendPort).toBe(0);
    expect(l.check("10.0.0.9", 4000, 5)).toBe(LATCH_REJECT);
    expect(l.sendPort).toBe(0);
  });
});

describe("SymmetricLatch with anySource (callers behind NAT)", () => {
  it("sends to the SDP address until media arrives, then to its real source", () => {
    const l = new SymmetricLatch(true);
    l.setRemote("10.0.0.5", 4000);
    expect([l.sendAddress, l.sendPort]).toEqual(["10.0.0.5", 4000]);
    expect(l.check("203.0.113.9", 61000, 77)).toBe(LATCH_LATCHED);
    expect([l.sendAddress, l.sendPort]).toEqual(["203.0.113.9", 61000]);
    expect(l.check("203.0.113.9", 61000, 77)).toBe(LATCH_ACCEPT);
  });

  it("after latching, moves only for the same SSRC (NAT rebinding) or the SDP address itself", () => {
    const l = new SymmetricLatch(true);
    l.setRemote("10.0.0.5", 4000);
    l.check("203.0.113.9", 61000, 77);
    expect(l.check("198.51.100.1", 5000, 12345)).toBe(LATCH_REJECT);
    expect(l.check("203.0.113.9", 61002, 77)).toBe(LATCH_LATCHED);
    expect(l.sendPort).toBe(61002);
    expect(l.check("10.0.0.5", 4000, 999)).toBe(LATCH_LATCHED);
    expect(l.relatches).toBe(2);
  });

  it("never latches to a source that sent garbage; setRemote forgets the latch", () => {
    const l = new SymmetricLatch(true);
    l.setRemote("10.0.0.5", 4000);
    l.taint("198.51.100.1", 5000);
    expect(l.check("198.51.100.1", 5000, 1)).toBe(LATCH_REJECT);
    expect(l.sendAddress).toBe("10.0.0.5");
    expect(l.check("198.51.100.1", 5002, 1)).toBe(LATCH_LATCHED);
    l.setRemote("10.0.0.6", 4002);
    expect([l.sendAddress, l.sendPort, l.latchedAddress]).toEqual(["10.0.0.6", 4002, null]);
  });

  it("an unspecified SDP address (old-style hold) sends nowhere until media arrives", () => {
    const l = new SymmetricLatch(true);
    l.setRemote("0.0.0.0", 4000);
    expect(l.sendPort).toBe(0);
    l.check("10.0.0.9", 4000, 5);
    expect([l.sendAddress, l.sendPort]).toEqual(["10.0.0.9", 4000]);
  });
});
