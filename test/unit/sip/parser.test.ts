import { describe, expect, it } from "vitest";
import { getHeader, getHeaders, type SipMessage } from "../../../src/sip/embedded/message.js";
import { LIMITS, parseDatagram } from "../../../src/sip/embedded/parser.js";
import { serialize } from "../../../src/sip/embedded/serializer.js";
import { StreamFramer } from "../../../src/sip/embedded/stream-framer.js";
import { readEssentials } from "../../../src/sip/embedded/headers.js";
import { fuzzRandom } from "../../helpers/seeded-random.js";

const BODY = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
const INVITE = [
  "INVITE sip:agent@127.0.0.1:5080 SIP/2.0",
  "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK776asdhds;rport",
  "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy, SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKv6",
  "Max-Forwards: 70",
  'From: "Alice \\"A\\" Smith" <sip:alice@example.com>;tag=1928301774',
  "To: <sip:agent@127.0.0.1:5080>",
  "Call-ID: a84b4c76e66710@pc33.example.com",
  "CSeq: 314159 INVITE",
  "Contact: <sip:alice@127.0.0.1:5070>",
  "Content-Type: application/sdp",
  `Content-Length: ${Buffer.byteLength(BODY)}`,
  "",
  BODY,
].join("\r\n");

function parsed(text: string | Buffer): SipMessage {
  const r = parseDatagram(typeof text === "string" ? Buffer.from(text) : text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe("parseDatagram", () => {
  it("parses a request: start line, ordered headers, list splitting, byte body", () => {
    const m = parsed(INVITE);
    expect(m).toMatchObject({ kind: "request", method: "INVITE", uri: "sip:agent@127.0.0.1:5080" });
    expect(getHeaders(m, "via")).toHaveLength(3);
    expect(m.body.toString()).toBe(BODY);
    const ess = readEssentials(m)!;
    expect(ess.cseq).toEqual({ seq: 314159, method: "INVITE" });
    expect(ess.from.displayName).toBe('Alice "A" Smith');
    expect(ess.from.params.tag).toBe("1928301774");
    expect(ess.vias[2]).toMatchObject({
      transport: "TCP",
      host: "[2001:db8::1]",
      port: 5061,
      params: { branch: "z9hG4bKv6" },
    });
  });

  it("expands compact header names and joins folded lines", () => {
    const m = parsed(
      [
        "OPTIONS sip:a@b SIP/2.0",
        "v: SIP/2.0/UDP 1.2.3.4:5060",
        "\t;branch=z9hG4bKx",
        "f: <sip:x@y>;tag=1",
        "t: <sip:a@b>",
        "i: abc",
        "CSeq: 1",
        "  OPTIONS",
        "l: 0",
        "",
        "",
      ].join("\r\n"),
    );
    expect(getHeader(m, "via")).toBe("SIP/2.0/UDP 1.2.3.4:5060 ;branch=z9hG4bKx");
    expect(getHeader(m, "call-id")).toBe("abc");
    expect(readEssentials(m)?.cseq).toEqual({ seq: 1, method: "OPTIONS" });
    expect(readEssentials(m)?.topVia.params.branch).toBe("z9hG4bKx");
  });

  it("parses responses, with or without a reason phrase", () => {
    expect(parsed("SIP/2.0 180 Ringing\r\nContent-Length: 0\r\n\r\n")).toMatchObject({
      kind: "response",
      status: 180,
      reason: "Ringing",
    });
    expect(parsed("SIP/2.0 200\r\n\r\n")).toMatchObject({ kind: "response", status: 200, reason: "" });
  });

  it("honours Content-Length: extra bytes are ignored, a short body is a truncated datagram", () => {
    expect(parsed(INVITE + "trailing junk").body.toString()).toBe(BODY);
    expect(parseDatagram(Buffer.from(INVITE.slice(0, -10)))).toEqual({ ok: false, error: "truncated body" });
  });

  it("rejects bad Content-Length values", () => {
    for (const bad of ["-1", "abc", "1e3", "", "99999999", `${Buffer.byteLength(BODY)}\r\nContent-Length: 3`]) {
      const text = INVITE.replace(/Content-Length: \d+/, `Content-Length: ${bad}`);
      expect(parseDatagram(Buffer.from(text)).ok, bad).toBe(false);
    }
  });

  it("rejects header smuggling: bare CR, NUL, a header line without a colon, a space in the name", () => {
    expect(
      parseDatagram(Buffer.from(INVITE.replace("Max-Forwards: 70", "Max-Forwards: 70\rX-Injected: 1"))),
    ).toMatchObject({ ok: false });
    expect(parseDatagram(Buffer.from(INVITE.replace("Max-Forwards: 70", "Max-Forwards: 7\u00000")))).toMatchObject({
      ok: false,
    });
    expect(parseDatagram(Buffer.from(INVITE.replace("Max-Forwards: 70", "Max-Forwards 70")))).toMatchObject({
      ok: false,
    });
    expect(parseDatagram(Buffer.from(INVITE.replace("Max-Forwards: 70", "Max Forwards: 70")))).toMatchObject({
      ok: false,
    });
  });

  it("rejects oversized input and too many headers", () => {
    expect(parseDatagram(Buffer.alloc(LIMITS.maxMessageBytes + 1, 0x41))).toMatchObject({ ok: false });
    const many = INVITE.replace(
      "Max-Forwards: 70",
      Array.from({ length: 200 }, (_, i) => `X-H${i}: ${i}`).join("\r\n"),
    );
    expect(parseDatagram(Buffer.from(many))).toEqual({ ok: false, error: "too many headers" });
    const long = INVITE.replace("Max-Forwards: 70", `X-Long: ${"a".repeat(LIMITS.maxHeaderBytes)}`);
    expect(parseDatagram(Buffer.from(long))).toEqual({ ok: false, error: "head too large" });
  });

  it("never throws on random bytes or on any truncation of a valid message", (ctx) => {
    const random = fuzzRandom(ctx.task.name, "test/unit/sip/parser.test.ts");
    for (let i = 0; i < 3000; i++) {
      const r = parseDatagram(random.bytes(1 + (i % 1500)));
      expect(typeof r.ok).toBe("boolean");
    }
    const bytes = Buffer.from(INVITE);
    const headEnd = bytes.indexOf("\r\n\r\n");
    for (let cut = 0; cut < bytes.length; cut++) {
      const r = parseDatagram(bytes.subarray(0, cut));
      if (cut < headEnd + 4) expect(r.ok, `cut at ${cut}`).toBe(false);
      else if (r.ok) readEssentials(r.value); // must not throw either
    }
  });

  it("survives random mutations of a valid message (bit flips, inserted CR/LF)", (ctx) => {
    const random = fuzzRandom(ctx.task.name, "test/unit/sip/parser.test.ts");
    const base = Buffer.from(INVITE);
    for (let i = 0; i < 3000; i++) {
      const copy = Buffer.from(base);
      for (let k = 0; k < 1 + (i % 8); k++)
        copy[random.int(copy.length)] = [0x0d, 0x0a, 0x00, 0x3a, 0x3b, 0x22, 0x3c, random.int(256)][k % 8]!;
      const r = parseDatagram(copy);
      if (r.ok) readEssentials(r.value);
    }
  });
});

describe("serialize", () => {
  it("round-trips and recomputes Content-Length in bytes", () => {
    const m = parsed(INVITE);
    m.body = Buffer.from("s=Café\r\n");
    const again = parsed(serialize(m));
    expect(getHeader(again, "content-length")).toBe(String(Buffer.byteLength("s=Café\r\n")));
    expect(again.body.toString()).toBe("s=Café\r\n");
    expect(getHeaders(again, "via")).toEqual(getHeaders(m, "via"));
  });

  it("cannot be made to emit a header through an echoed or configured value", () => {
    const m = parsed(INVITE);
    m.headers.push({ name: "x-echo", value: "ok\r\nX-Injected: yes" });
    const text = serialize(m).toString();
    expect(text).not.toMatch(/^X-Injected/m);
    expect(getHeader(parsed(text), "x-echo")).toBe("ok X-Injected: yes");
  });
});

describe("StreamFramer (TCP)", () => {
  it("cuts messages out of a stream split at every possible byte", () => {
    const two = Buffer.from(INVITE + INVITE.replace("314159", "314160"));
    for (let split = 1; split < two.length; split += 7) {
      const framer = new StreamFramer();
      const events = [...framer.push(two.subarray(0, split)), ...framer.push(two.subarray(split))];
      expect(events.map((e) => e.kind)).toEqual(["message", "message"]);
      const [a, b] = events.map((e) => (e.kind === "message" ? readEssentials(e.message)?.cseq.seq : 0));
      expect([a, b]).toEqual([314159, 314160]);
    }
  });

  it("reports CRLFCRLF keep-alives as pings and errors on a missing Content-Length", () => {
    const framer = new StreamFramer();
    expect(framer.push(Buffer.from("\r\n\r\n")).map((e) => e.kind)).toEqual(["ping"]);
    expect(framer.push(Buffer.from(INVITE.replace(/Content-Length: \d+\r\n/, "")))).toEqual([
      { kind: "error", error: "no Content-Length on a stream" },
    ]);
    expect(framer.push(Buffer.from(INVITE))).toEqual([]); // a failed stream stays failed
  });

  it("errors once a head grows past the limit without ending", () => {
    const framer = new StreamFramer();
    expect(framer.push(Buffer.alloc(LIMITS.maxHeaderBytes + 10, 0x41))).toEqual([
      { kind: "error", error: "head too large" },
    ]);
  });
});
