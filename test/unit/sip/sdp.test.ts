import { describe, expect, it } from "vitest";
import { buildAnswer, buildOffer, negotiate, reanswer, DEFAULT_CAPABILITIES } from "../../../src/sip/sdp.js";

function sdp(lines: string[]): string {
  return [...lines, ""].join("\r\n");
}

const session = ["v=0", "o=pbx 1 1 IN IP4 10.0.0.5", "s=-", "c=IN IP4 10.0.0.5", "t=0 0"];

describe("negotiate", () => {
  it("takes the offerer's first codec we support", () => {
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0 8"]))?.codec).toEqual({
      name: "PCMU",
      payloadType: 0,
      clockRate: 8000,
    });
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 8 0"]))?.codec.name).toBe("PCMA");
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 18 9 8 0"]))?.codec.name).toBe("PCMA");
    expect(
      negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0 8"]), { codecs: ["PCMA"], telephoneEvent: true })?.codec.name,
    ).toBe("PCMA");
  });

  it("accepts G.711 on a dynamic payload type named by rtpmap", () => {
    const media = negotiate(sdp([...session, "m=audio 4000 RTP/AVP 97", "a=rtpmap:97 pcmu/8000"]));
    expect(media?.codec).toEqual({ name: "PCMU", payloadType: 97, clockRate: 8000 });
  });

  it("returns null when nothing is in common (G.729 only, video only, SRTP, port 0, garbage)", () => {
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 18", "a=rtpmap:18 G729/8000"]))).toBeNull();
    expect(negotiate(sdp([...session, "m=video 4000 RTP/AVP 96", "a=rtpmap:96 H264/90000"]))).toBeNull();
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/SAVP 0"]))).toBeNull();
    expect(negotiate(sdp([...session, "m=audio 0 RTP/AVP 0"]))).toBeNull();
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0", "a=rtpmap:0 PCMU/16000"]))).toBeNull();
    expect(negotiate("this is not sdp")).toBeNull();
    expect(negotiate("")).toBeNull();
  });

  it("finds telephone-event and its events, on whatever payload type", () => {
    const a = negotiate(
      sdp([...session, "m=audio 4000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15"]),
    );
    expect(a?.telephoneEvent).toEqual({ payloadType: 101, events: "0-15" });
    const b = negotiate(sdp([...session, "m=audio 4000 RTP/AVP 8 96", "a=rtpmap:96 telephone-event/8000"]));
    expect(b?.telephoneEvent).toEqual({ payloadType: 96, events: "0-15" });
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0"]))?.telephoneEvent).toBeNull();
    // 16 kHz telephone-event does not go with 8 kHz G.711.
    expect(
      negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0 100", "a=rtpmap:100 telephone-event/16000"]))?.telephoneEvent,
    ).toBeNull();
    expect(
      negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000"]), {
        codecs: ["PCMU"],
        telephoneEvent: false,
      })?.telephoneEvent,
    ).toBeNull();
  });

  it("reads the remote address from c= at media level before session level, IPv4 or IPv6", () => {
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0"]))?.remote).toEqual({
      address: "10.0.0.5",
      port: 4000,
      ipVersion: 4,
    });
    expect(negotiate(sdp([...session, "m=audio 4002 RTP/AVP 0", "c=IN IP4 192.0.2.7"]))?.remote.address).toBe(
      "192.0.2.7",
    );
    const v6 = negotiate(
      sdp(["v=0", "o=- 1 1 IN IP6 ::1", "s=-", "t=0 0", "m=audio 4004 RTP/AVP 0", "c=IN IP6 2001:db8::5"]),
    );
    expect(v6?.remote).toEqual({ address: "2001:db8::5", port: 4004, ipVersion: 6 });
    expect(negotiate(sdp(["v=0", "o=- 1 1 IN IP4 1.2.3.4", "s=-", "t=0 0", "m=audio 4000 RTP/AVP 0"]))).toBeNull(); // no c= anywhere
  });

  it("recognises every hold form and mirrors the direction", () => {
    const of = (extra: string[], conn = "c=IN IP4 10.0.0.5") =>
      negotiate(sdp(["v=0", "o=- 1 2 IN IP4 10.0.0.5", "s=-", conn, "t=0 0", ...extra]));
    expect(of(["m=audio 4000 RTP/AVP 0", "a=sendonly"])).toMatchObject({
      hold: true,
      direction: "sendonly",
      answerDirection: "recvonly",
    });
    expect(of(["m=audio 4000 RTP/AVP 0", "a=inactive"])).toMatchObject({ hold: true, answerDirection: "inactive" });
    // RFC 2543 hold: c=0.0.0.0 means "send me nothing" even with a=sendrecv: we answer recvonly and stop sending.
    expect(of(["m=audio 4000 RTP/AVP 0"], "c=IN IP4 0.0.0.0")).toMatchObject({
      hold: true,
      direction: "sendonly",
      answerDirection: "recvonly",
    });
    expect(of(["m=audio 4000 RTP/AVP 0", "a=recvonly"], "c=IN IP4 0.0.0.0")).toMatchObject({
      hold: true,
      answerDirection: "inactive",
    });
    expect(of(["a=sendonly", "m=audio 4000 RTP/AVP 0"])).toMatchObject({ hold: true, answerDirection: "recvonly" }); // session level
    expect(of(["m=audio 4000 RTP/AVP 0", "a=recvonly"])).toMatchObject({ hold: false, answerDirection: "sendonly" });
    expect(of(["m=audio 4000 RTP/AVP 0", "a=sendrecv"])).toMatchObject({ hold: false, answerDirection: "sendrecv" });
  });

  it("honours a sensible ptime and falls back to 20 ms otherwise", () => {
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0", "a=ptime:30"]))?.ptime).toBe(30);
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0", "a=ptime:7"]))?.ptime).toBe(20);
    expect(negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0"]))?.ptime).toBe(20);
  });
});

describe("answers and offers", () => {
  it("answers with the chosen codec, telephone-event, ptime and mirrored direction", () => {
    const media = negotiate(
      sdp([
        ...session,
        "m=audio 4000 RTP/AVP 8 0 101",
        "a=rtpmap:101 telephone-event/8000",
        "a=fmtp:101 0-15",
        "a=ptime:20",
        "a=sendonly",
      ]),
    )!;
    const answer = buildAnswer(media, { address: "127.0.0.1", port: 40000, sessionId: "77", version: 3 });
    expect(answer).toContain("o=parley 77 3 IN IP4 127.0.0.1");
    expect(answer).toContain("c=IN IP4 127.0.0.1");
    expect(answer).toContain("m=audio 40000 RTP/AVP 8 101");
    expect(answer).toContain("a=rtpmap:8 PCMA/8000");
    expect(answer).toContain("a=rtpmap:101 telephone-event/8000");
    expect(answer).toContain("a=fmtp:101 0-15");
    expect(answer).toContain("a=recvonly");
    expect(answer).not.toContain("a=rtpmap:0 ");
    expect(negotiate(answer)?.codec.name).toBe("PCMA"); // and it is itself valid SDP
  });

  it("keeps one m= line per offered line, rejecting the others with port 0", () => {
    const media = negotiate(
      sdp([...session, "m=video 5000 RTP/AVP 96", "a=rtpmap:96 H264/90000", "m=audio 4000 RTP/AVP 0"]),
    )!;
    expect(media.mediaIndex).toBe(1);
    const lines = buildAnswer(media, { address: "127.0.0.1", port: 40000 })
      .split("\r\n")
      .filter((l) => l.startsWith("m="));
    expect(lines).toEqual(["m=video 0 RTP/AVP 96", "m=audio 40000 RTP/AVP 0"]);
  });

  it("builds an offer that negotiates back to PCMU (IPv6 too)", () => {
    const offer = buildOffer({ address: "::1", port: 41000 }, DEFAULT_CAPABILITIES);
    expect(offer).toContain("m=audio 41000 RTP/AVP 0 8 101");
    expect(offer).toContain("c=IN IP6 ::1");
    expect(negotiate(offer)).toMatchObject({
      codec: { name: "PCMU" },
      telephoneEvent: { payloadType: 101 },
      remote: { port: 41000, ipVersion: 6 },
    });
  });

  it("re-answers a re-INVITE from our previous SDP with the version bumped", () => {
    const first = negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0"]))!;
    const previous = buildAnswer(first, { address: "127.0.0.1", port: 40000, sessionId: "9", version: 1 });
    const hold = negotiate(sdp([...session, "m=audio 4000 RTP/AVP 0", "a=sendonly"]))!;
    const next = reanswer(previous, hold)!;
    expect(next).toContain("o=parley 9 2 IN IP4 127.0.0.1");
    expect(next).toContain("m=audio 40000 RTP/AVP 0");
    expect(next).toContain("a=recvonly");
    expect(reanswer("garbage", hold)).toBeNull();
  });
});
