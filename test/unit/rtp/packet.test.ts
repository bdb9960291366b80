import { describe, expect, it } from "vitest";
import { RtpHeader, parseRtp, parseRtpInto, serializeRtp, writeRtpHeader } from "../../../src/rtp/packet.js";

const payload = Uint8Array.from({ length: 160 }, (_, i) => i);

describe("RTP packet round trips", () => {
  it("serialises and parses the fixed header exactly", () => {
    const bytes = serializeRtp({
      marker: true,
      payloadType: 8,
      sequence: 0xfffe,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
      payload,
    });
    expect(bytes.length).toBe(172);
    expect(bytes[0]).toBe(0x80);
    expect(bytes[1]).toBe(0x88);
    const r = parseRtp(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.packet).toMatchObject({
      marker: true,
      payloadType: 8,
      sequence: 0xfffe,
      timestamp: 0xfffffff0,
      ssrc: 0xdeadbeef,
      csrc: [],
      extension: null,
      padding: 0,
    });
    expect(Array.from(r.packet.payload)).toEqual(Array.from(payload));
  });

  it("round-trips CSRCs, a header extension and padding", () => {
    const ext = { profile: 0xbede, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    const bytes = serializeRtp({
      payloadType: 0,
      sequence: 7,
      timestamp: 99,
      ssrc: 1,
      csrc: [0x11111111, 0xffffffff],
      extension: ext,
      padding: 3,
      payload,
    });
    const r = parseRtp(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.packet.csrc).toEqual([0x11111111, 0xffffffff]);
    expect(r.packet.extension?.profile).toBe(0xbede);
    expect(Array.from(r.packet.extension?.data ?? [])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.packet.padding).toBe(3);
    expect(r.packet.payload.length).toBe(160);
    expect(serializeRtp(r.packet)).toEqual(bytes);
  });

  it("parses into a reused header, payload as offset and length", () => {
    const h = new RtpHeader();
    const bytes = serializeRtp({
      payloadType: 101,
      sequence: 1,
      timestamp: 2,
      ssrc: 3,
      csrc: [5],
      payload: Uint8Array.of(9, 8, 7, 6),
    });
    expect(parseRtpInto(bytes, h)).toBeNull();
    expect(h.payloadOffset).toBe(16);
    expect(h.payloadLength).toBe(4);
    expect(bytes[h.payloadOffset]).toBe(9);
    const buf = new Uint8Array(12);
    writeRtpHeader(buf, false, 0, 65535, 4294967295, 4294967295);
    expect(parseRtpInto(buf, h)).toBeNull();
    expect([h.sequence, h.timestamp, h.ssrc, h.payloadLength, h.marker]).toEqual([
      65535,
      4294967295,
      4294967295,
      0,
      false,
    ]);
  });
});

describe("malformed datagrams are rejected with a reason, never thrown", () => {
  const good = serializeRtp({ payloadType: 0, sequence: 1, timestamp: 1, ssrc: 1, payload });
  const h = new RtpHeader();
  const cases: [string, Uint8Array, string][] = [
    ["empty", new Uint8Array(0), "too_short"],
    ["11 bytes", good.slice(0, 11), "too_short"],
    ["version 0", Uint8Array.from([0x00, ...good.slice(1)]), "bad_version"],
    ["version 1", Uint8Array.from([0x40, ...good.slice(1)]), "bad_version"],
    ["version 3", Uint8Array.from([0xc0, ...good.slice(1)]), "bad_version"],
    [
      "STUN binding request",
      Uint8Array.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
      "bad_version",
    ],
    ["SIP text", new TextEncoder().encode("OPTIONS sip:a@b SIP/2.0\r\n\r\n"), "bad_version"],
    ["CSRC count past the end", Uint8Array.from([0x8f, ...good.slice(1, 20)]), "truncated_csrc"],
    ["extension header cut", Uint8Array.from([0x90, ...good.slice(1, 14)]), "truncated_extension"],
    [
      "extension length past the end",
      (() => {
        const b = Uint8Array.from([0x90, ...good.slice(1, 24)]);
        b[14] = 0;
        b[15] = 9;
        return b;
      })(),
      "truncated_extension",
    ],
    [
      "padding count 0",
      (() => {
        const b = Uint8Array.from([0xa0, ...good.slice(1)]);
        b[b.length - 1] = 0;
        return b;
      })(),
      "bad_padding",
    ],
    [
      "padding larger than the packet",
      (() => {
        const b = Uint8Array.from([0xa0, ...good.slice(1, 20)]);
        b[b.length - 1] = 200;
        return b;
      })(),
      "bad_padding",
    ],
    [
      "padding eats the extension",
      (() => {
        const b = serializeRtp({
          payloadType: 0,
          sequence: 1,
          timestamp: 1,
          ssrc: 1,
          extension: { profile: 1, data: new Uint8Array(8) },
          payload: new Uint8Array(0),
        });
        const p = Uint8Array.from([...b]);
        p[0] = p[0]! | 0x20;
        p[p.length - 1] = 4;
        return p;
      })(),
      "truncated_extension",
    ],
    ["RTCP sender report", Uint8Array.from([0x80, 200, 0, 6, ...new Uint8Array(24)]), "rtcp"],
    ["RTCP receiver report", Uint8Array.from([0x81, 201, 0, 7, ...new Uint8Array(28)]), "rtcp"],
  ];
  for (const [name, bytes, reason] of cases) {
    it(name, () => {
      expect(parseRtpInto(bytes, h)).toBe(reason);
      const r = parseRtp(bytes);
      expect(r.ok).toBe(false);
    });
  }

  it("survives 20,000 random datagrams without throwing", () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    let valid = 0;
    for (let i = 0; i < 20000; i++) {
      const b = Uint8Array.from({ length: rand() % 64 }, rand);
      if (parseRtpInto(b, h) === null) {
        valid++;
        expect(h.payloadOffset + h.payloadLength + h.padding).toBeLessThanOrEqual(b.length);
      }
    }
    expect(valid).toBeGreaterThan(0);
  });
});
