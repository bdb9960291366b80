import { describe, expect, it } from "vitest";
import { forwardedUser, parseDiversion, parseHistoryInfo } from "../../../src/sip/index.js";

/**
 * The mailbox of a forwarded call from Diversion (RFC 5806), History-Info (RFC 7044, RFC 4244) and RFC 4458
 * Request-URIs. The samples follow what each PBX sends: Asterisk/FreePBX chan_pjsip (res_pjsip_diversion: the
 * From URI with the redirecting number as user, its name as display name, reason as a token), chan_sip with a
 * phone-context user, Cisco CUCM (privacy and screen parameters, chains in one header), 3CX (counter), a carrier's
 * tel: URI, and History-Info in the RFC 7044 and the older RFC 4244 (BroadWorks-style Reason) forms.
 */

describe("Diversion", () => {
  it("reads Asterisk / FreePBX (chan_pjsip): display name, extension, reason", () => {
    expect(parseDiversion('"Alice Smith" <sip:1001@192.168.1.10>;reason=no-answer')).toEqual([
      { uri: "sip:1001@192.168.1.10", user: "1001", displayName: "Alice Smith", reason: "no-answer", counter: null },
    ]);
  });

  it("cuts a user at ';' (sip:1235557890;phone-context=national@..., as Asterisk does)", () => {
    const [entry] = parseDiversion("<sip:1235557890;phone-context=national@10.0.0.1;user=phone>;reason=unconditional");
    expect(entry?.user).toBe("1235557890");
    expect(entry?.reason).toBe("unconditional");
  });

  it("reads a Cisco CUCM chain in one header, most recent first", () => {
    const header =
      "<sip:2002@10.10.10.11>;reason=no-answer;privacy=off;screen=yes,<sip:2001@10.10.10.11>;reason=unconditional;privacy=off;screen=yes";
    expect(parseDiversion(header).map((d) => [d.user, d.reason])).toEqual([
      ["2002", "no-answer"],
      ["2001", "unconditional"],
    ]);
    expect(forwardedUser({ diversion: header })).toEqual({ user: "2002", source: "diversion", reason: "no-answer" });
    expect(forwardedUser({ diversion: header }, "original")).toEqual({
      user: "2001",
      source: "diversion",
      reason: "unconditional",
    });
  });

  it("reads 3CX style (port in the URI, counter) and a carrier's tel: URI; quoted reasons and case are normalised", () => {
    expect(parseDiversion("<sip:101@pbx.example.com:5060>;reason=no-answer;counter=1")[0]).toMatchObject({
      user: "101",
      counter: 1,
    });
    expect(parseDiversion('<tel:+4930123456>;reason="User-Busy";counter=2;privacy=full')[0]).toMatchObject({
      user: "+4930123456",
      reason: "user-busy",
      counter: 2,
    });
  });

  it("takes several header lines in order, and skips what is not a name-addr", () => {
    const lines = ["<sip:3003@pbx>;reason=user-busy", "garbage without uri", "<sip:3001@pbx>;reason=no-answer"];
    expect(parseDiversion(lines).map((d) => d.user)).toEqual(["3003", "3001"]);
    expect(parseDiversion(undefined)).toEqual([]);
    expect(parseDiversion("")).toEqual([]);
    expect(forwardedUser({ diversion: "<sip:pbx.example.com>;reason=no-answer" })).toBeNull();
  });
});

describe("History-Info", () => {
  const rfc7044 = [
    "<sip:bob@example.com>;index=1",
    "<sip:bob@192.0.2.4;cause=480>;index=1.1;rc=1",
    "<sip:vm@voicemail.example.com;target=sip:bob%40example.com;cause=480>;index=1.2;mp=1",
  ].join(",");

  it("parses indexes, causes and RFC 7044 tags", () => {
    expect(parseHistoryInfo(rfc7044)).toEqual([
      { uri: "sip:bob@example.com", user: "bob", index: "1", cause: null, tag: null, from: null },
      { uri: "sip:bob@192.0.2.4;cause=480", user: "bob", index: "1.1", cause: 480, tag: "rc", from: "1" },
      {
        uri: "sip:vm@voicemail.example.com;target=sip:bob%40example.com;cause=480",
        user: "vm",
        index: "1.2",
        cause: 480,
        tag: "mp",
        from: "1",
      },
    ]);
  });

  it("follows the mapped (mp) entry back to the user who did not answer", () => {
    expect(forwardedUser({ historyInfo: rfc7044 })).toEqual({ user: "bob", source: "history-info", reason: "480" });
  });

  it("reads the RFC 4244 form (no tags, the cause in an escaped Reason header, BroadWorks style)", () => {
    const header = [
      "<sip:+15551001@as.example.com;user=phone>;index=1",
      "<sip:+15551001@10.0.0.1;user=phone?Reason=SIP%3Bcause%3D408%3Btext%3D%22Request%20Timeout%22>;index=1.1",
      "<sip:vm1001@10.0.0.5>;index=1.1.1",
    ];
    expect(parseHistoryInfo(header)[1]?.cause).toBe(408);
    expect(forwardedUser({ historyInfo: header })).toEqual({
      user: "+15551001",
      source: "history-info",
      reason: "408",
    });
  });

  it("gives the first entry's user for `original`, and nothing for a single entry", () => {
    const chain =
      "<sip:1001@pbx>;index=1,<sip:1002@pbx;cause=302>;index=1.1;mp=1,<sip:vm@pbx;cause=408>;index=1.1.1;mp=1.1";
    expect(forwardedUser({ historyInfo: chain })).toEqual({ user: "1002", source: "history-info", reason: "408" });
    expect(forwardedUser({ historyInfo: chain }, "original")).toEqual({
      user: "1001",
      source: "history-info",
      reason: "408",
    });
    expect(forwardedUser({ historyInfo: "<sip:vm@pbx>;index=1" })).toBeNull();
  });
});

describe("forwardedUser", () => {
  it("prefers Diversion over History-Info", () => {
    expect(
      forwardedUser({
        diversion: "<sip:1001@pbx>;reason=no-answer",
        historyInfo: "<sip:2002@pbx>;index=1,<sip:vm@pbx>;index=1.1;mp=1",
      })?.user,
    ).toBe("1001");
  });

  it("reads an RFC 4458 voicemail Request-URI (target and cause)", () => {
    expect(
      forwardedUser({ requestUri: "sip:voicemail@vm.example.com;target=sip:bob%40example.com;cause=486" }),
    ).toEqual({ user: "bob", source: "request-uri-target", reason: "486" });
    expect(forwardedUser({ requestUri: "sip:1001@parley.example.com" })).toBeNull();
  });
});
