import { describe, expect, it } from "vitest";
import { sipSection } from "../../../src/config/sections/sip.js";

describe("sip config section", () => {
  it("defaults to a loopback-only embedded demo on 127.0.0.1:5080", () => {
    const config = sipSection.parse({});
    expect(config).toMatchObject({
      driver: "embedded",
      listen: { host: "127.0.0.1", port: 5080 },
      transports: ["udp", "tcp"],
      allow: ["127.0.0.0/8", "::1/128"],
      credentials: [],
      rateLimit: { perSecond: 50, burst: 100 },
      timers: { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 },
      drachtio: { host: "127.0.0.1", port: 9022 },
    });
    expect(config.trunk).toBeUndefined();
  });

  it("is strict and validates addresses, header-safe strings and the trunk", () => {
    expect(() => sipSection.parse({ listn: {} })).toThrow();
    expect(() => sipSection.parse({ allow: ["10.0.0.0/33"] })).toThrow(/CIDR/);
    expect(() => sipSection.parse({ userAgent: "Parley\r\nX-Evil: 1" })).toThrow();
    expect(() => sipSection.parse({ credentials: [{ username: 'a"b', password: "p" }] })).toThrow();
    expect(() => sipSection.parse({ trunk: { uri: "http://pbx" } })).toThrow();
    expect(() => sipSection.parse({ trunk: { uri: "sip:pbx.example.com", register: true } })).toThrow(
      /username and password/,
    );
    expect(() => sipSection.parse({ timers: { t1Ms: 500, t2Ms: 100 } })).toThrow(/t2Ms/);
    expect(
      sipSection.parse({
        trunk: { uri: "sip:pbx.example.com:5060;transport=tcp", username: "u", password: "p", register: true },
      }).trunk,
    ).toMatchObject({ expiresS: 3600 });
  });

  it("needs a secret for the drachtio driver", () => {
    expect(() => sipSection.parse({ driver: "drachtio" })).toThrow(/secret/);
    expect(sipSection.parse({ driver: "drachtio", drachtio: { secret: "s" } }).drachtio.secret).toBe("s");
  });
});
