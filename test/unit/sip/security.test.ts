import { describe, expect, it } from "vitest";
import { anyCidrContains, cidrContains, parseCidr } from "../../../src/sip/security/cidr.js";
import { RateLimiter } from "../../../src/sip/security/rate-limit.js";

describe("CIDR matching", () => {
  const cidr = (text: string) => {
    const c = parseCidr(text);
    if (!c) throw new Error(`bad cidr ${text}`);
    return c;
  };

  it("matches IPv4 ranges and single addresses", () => {
    expect(cidrContains(cidr("127.0.0.0/8"), "127.9.8.7")).toBe(true);
    expect(cidrContains(cidr("127.0.0.0/8"), "128.0.0.1")).toBe(false);
    expect(cidrContains(cidr("10.1.2.3"), "10.1.2.3")).toBe(true);
    expect(cidrContains(cidr("10.1.2.3"), "10.1.2.4")).toBe(false);
    expect(cidrContains(cidr("192.168.1.77/24"), "192.168.1.200")).toBe(true); // host bits are masked off
    expect(cidrContains(cidr("0.0.0.0/0"), "203.0.113.9")).toBe(true);
  });

  it("matches IPv6 ranges, brackets and zone ids included", () => {
    expect(cidrContains(cidr("::1/128"), "::1")).toBe(true);
    expect(cidrContains(cidr("::1"), "[::1]")).toBe(true);
    expect(cidrContains(cidr("2001:db8::/32"), "2001:db8:ffff::42")).toBe(true);
    expect(cidrContains(cidr("2001:db8::/32"), "2001:db9::1")).toBe(false);
    expect(cidrContains(cidr("fe80::/10"), "fe80::1%eth0")).toBe(true);
    expect(cidrContains(cidr("64:ff9b::/96"), "64:ff9b::192.0.2.1")).toBe(true);
  });

  it("treats IPv4-mapped IPv6 as IPv4 and never mixes families otherwise", () => {
    expect(cidrContains(cidr("127.0.0.0/8"), "::ffff:127.0.0.1")).toBe(true);
    expect(cidrContains(cidr("::/0"), "10.0.0.1")).toBe(false);
    expect(cidrContains(cidr("0.0.0.0/0"), "::1")).toBe(false);
    expect(anyCidrContains([cidr("10.0.0.0/8"), cidr("::1")], "::1")).toBe(true);
  });

  it("rejects what is not an address or prefix", () => {
    for (const bad of [
      "",
      "localhost",
      "10.0.0.0/33",
      "::1/129",
      "10.0.0.256",
      "10.0.0.0/8/8",
      "10.0.0.0/-1",
      "1.2.3.4/ 8",
      "::g",
    ]) {
      expect(parseCidr(bad), bad).toBeNull();
    }
    expect(cidrContains(cidr("10.0.0.0/8"), "not-an-ip")).toBe(false);
  });
});

describe("RateLimiter", () => {
  it("allows a burst, then refills at the sustained rate", () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 10, burst: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => limiter.take("a"))).toEqual([true, true, true, false]);
    expect(limiter.take("b")).toBe(true); // per source
    now += 100; // one token
    expect([limiter.take("a"), limiter.take("a")]).toEqual([true, false]);
    now += 10_000; // capped at the burst
    expect([1, 2, 3, 4].map(() => limiter.take("a"))).toEqual([true, true, true, false]);
  });

  it("bounds the number of tracked sources, evicting the least recently seen", () => {
    const limiter = new RateLimiter({ perSecond: 1, burst: 1, maxSources: 100, now: () => 0 });
    for (let i = 0; i < 1000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(100);
  });

  it("is disabled with perSecond 0", () => {
    const limiter = new RateLimiter({ perSecond: 0, burst: 1 });
    expect(Array.from({ length: 100 }, () => limiter.take("a")).every(Boolean)).toBe(true);
  });
});
