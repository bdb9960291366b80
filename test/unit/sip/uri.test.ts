import { describe, expect, it } from "vitest";
import { formatNameAddr, formatUri, parseNameAddr, parseUri, toSipAddress } from "../../../src/sip/uri.js";
import { parseVia } from "../../../src/sip/embedded/headers.js";

describe("SIP URIs and name-addr", () => {
  it("parses users, hosts (IPv6 too), ports and parameters", () => {
    expect(parseUri("sip:+15551234;phone-context=example.com@trunk.example.com:5061;transport=tcp")).toEqual({
      scheme: "sip",
      user: "+15551234;phone-context=example.com",
      host: "trunk.example.com",
      port: 5061,
      params: { transport: "tcp" },
      headers: "",
    });
    expect(parseUri("sip:agent@[2001:db8::1]:5080")).toMatchObject({ host: "[2001:db8::1]", port: 5080 });
    expect(parseUri("sip:127.0.0.1;lr")).toMatchObject({ host: "127.0.0.1", params: { lr: null } });
    expect(parseUri("sips:bob%20smith@example.com")).toMatchObject({ scheme: "sips", user: "bob smith" });
    expect(parseUri("tel:+15551234")).toMatchObject({ scheme: "tel", user: "+15551234" });
    for (const bad of ["http://x", "sip:", "sip:a@", "sip:a@host:0", "sip:a@host:99999", "sip:a@ho st"])
      expect(parseUri(bad), bad).toBeNull();
  });

  it("formats URIs back, escaping what must be escaped", () => {
    expect(formatUri(parseUri("sip:a@b.example:5062;transport=tcp")!)).toBe("sip:a@b.example:5062;transport=tcp");
    expect(formatUri({ scheme: "sip", user: "a b", host: "x", params: {}, headers: "" })).toBe("sip:a%20b@x");
  });

  it("parses name-addr and addr-spec forms; addr-spec parameters belong to the header", () => {
    expect(parseNameAddr('"Bob \\"B\\"" <sip:bob@example.com;transport=tcp>;tag=abc')).toEqual({
      displayName: 'Bob "B"',
      uri: "sip:bob@example.com;transport=tcp",
      params: { tag: "abc" },
    });
    expect(parseNameAddr("Bob Smith <sip:bob@example.com>")).toMatchObject({ displayName: "Bob Smith" });
    expect(parseNameAddr("sip:bob@example.com;tag=xyz")).toEqual({
      uri: "sip:bob@example.com",
      params: { tag: "xyz" },
    });
    expect(parseNameAddr("<sip:unterminated")).toBeNull();
    expect(parseNameAddr("")).toBeNull();
  });

  it("formats a name-addr without letting a display name break out of its quotes", () => {
    expect(formatNameAddr({ displayName: 'x" <sip:evil>\r\n', uri: "sip:a@b", params: { tag: "1" } })).toBe(
      '"x <sip:evil>" <sip:a@b>;tag=1',
    );
  });

  it("gives the call layer user, host and display name", () => {
    expect(toSipAddress(parseNameAddr('"Front Desk" <sip:+3120555@pbx.example:5060>;tag=1')!)).toEqual({
      uri: "sip:+3120555@pbx.example:5060",
      displayName: "Front Desk",
      user: "+3120555",
      host: "pbx.example",
      port: 5060,
    });
  });

  it("parses Via entries, IPv6 sent-by included", () => {
    expect(parseVia("SIP/2.0/UDP [::1]:5070;branch=z9hG4bK1;rport")).toEqual({
      transport: "UDP",
      host: "[::1]",
      port: 5070,
      params: { branch: "z9hG4bK1", rport: null },
    });
    expect(parseVia("SIP / 2.0 / tcp host.example ;received=1.2.3.4")).toMatchObject({
      transport: "TCP",
      host: "host.example",
      params: { received: "1.2.3.4" },
    });
    expect(parseVia("SIP/2.0/UDP")).toBeNull();
  });
});

describe("Via stamping (RFC 3261 18.2.1, RFC 3581)", () => {
  it("adds received when the source differs and fills rport", async () => {
    const { stampReceived } = await import("../../../src/sip/embedded/headers.js");
    const headers = [
      { name: "via", value: "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport, SIP/2.0/UDP proxy;branch=z9hG4bK0" },
    ];
    stampReceived(headers, parseVia("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport")!, "203.0.113.5", 40123);
    expect(headers[0]!.value).toBe(
      "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1;rport=40123;received=203.0.113.5, SIP/2.0/UDP proxy;branch=z9hG4bK0",
    );
    const same = [{ name: "via", value: "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK2" }];
    stampReceived(same, parseVia(same[0]!.value)!, "127.0.0.1", 5070);
    expect(same[0]!.value).toBe("SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK2");
  });
});
