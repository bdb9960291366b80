import { afterEach, describe, expect, it } from "vitest";
import { encodeMulaw, rmsDbfs } from "../../../src/audio/index.js";
import { serializeRtp } from "../../../src/rtp/packet.js";
import { ROOMY, RawPeer, collect, media, openSession, rtpConfig, sleep, tonePcm } from "./helpers.js";

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const track = <T extends { close(): Promise<unknown> }>(x: T) => (open.push(x), x);

describe("symmetric RTP", () => {
  it("sends to the SDP address until the caller's RTP arrives, then to where it really comes from", async () => {
    const sdpAddressOnly = track(await RawPeer.open()); // what the SDP said (e.g. a private address behind NAT)
    const natted = track(await RawPeer.open()); // where the caller's packets actually come from
    const s = track(await openSession());
    s.start(media(sdpAddressOnly.port));
    await sleep(100);
    const beforeLatch = sdpAddressOnly.received.length;
    expect(beforeLatch).toBeGreaterThanOrEqual(1);
    expect(natted.received.length).toBe(0);
    await natted.stream(s.localPort, tonePcm(100));
    await sleep(100);
    const stats = s.stats();
    expect(stats.latched).toMatchObject({ address: "127.0.0.1", port: natted.port, ssrc: 0x1234 });
    expect(natted.received.length).toBeGreaterThanOrEqual(1);
    // Nothing more went to the SDP address once latched (allow the packet in flight).
    expect(sdpAddressOnly.received.length - beforeLatch).toBeLessThanOrEqual(6);
    const lastToSdp = sdpAddressOnly.received.at(-1)!.atMs;
    expect(natted.received.every((p) => p.atMs >= lastToSdp - 1)).toBe(true);
  });

  it("ignores garbage while a real stream keeps flowing, and never latches to the garbage source", async () => {
    const caller = track(await RawPeer.open());
    const attacker = track(await RawPeer.open());
    const s = track(await openSession({ config: rtpConfig(ROOMY) }));
    s.start(media(caller.port));
    const heard = collect(s.frames);
    // The attacker gets in first: garbage, then valid-looking RTP from the same source.
    attacker.send(Uint8Array.of(1, 2, 3), s.localPort);
    await sleep(10);
    attacker.send(
      serializeRtp({ payloadType: 0, sequence: 1, timestamp: 1, ssrc: 0x666, payload: new Uint8Array(160).fill(0x00) }),
      s.localPort,
    );
    const garbage = (i: number): Uint8Array => {
      switch (i % 5) {
        case 0:
          return Uint8Array.from({ length: 1 + ((i * 37) % 300) }, (_, k) => (k * 131 + i) & 0xff); // random bytes
        case 1:
          return serializeRtp({
            payloadType: 0,
            sequence: i,
            timestamp: i,
            ssrc: 0x1234,
            payload: new Uint8Array(160),
          }).slice(0, 9); // truncated
        case 2: {
          const b = serializeRtp({
            payloadType: 0,
            sequence: i,
            timestamp: i,
            ssrc: 0x1234,
            payload: new Uint8Array(160),
          });
          b[0] = 0x40;
          return b;
        } // version 1
        case 3:
          return Uint8Array.from([0x8f, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0x12, 0x34]); // CSRC count past the end
        default:
          return new TextEncoder().encode("INVITE sip:x SIP/2.0\r\n\r\n");
      }
    };
    const stream = caller.stream(s.localPort, tonePcm(1000), { ssrc: 0x1234 });
    await sleep(50); // the caller's first packets are in: it is latched
    for (let i = 0; i < 100; i++) {
      attacker.send(garbage(i), s.localPort);
      caller.send(garbage(i + 1), s.localPort); // the real caller's address sends garbage too
      if (i % 10 === 0) await sleep(5);
    }
    // A foreign valid stream from the attacker, with another SSRC, must not steal the latch.
    for (let i = 0; i < 20; i++)
      attacker.send(
        serializeRtp({
          payloadType: 0,
          sequence: 500 + i,
          timestamp: i * 160,
          ssrc: 0x666,
          payload: encodeMulaw(tonePcm(20, 0.9, 2000)),
        }),
        s.localPort,
      );
    expect(await stream).toBe(50);
    await sleep(500);
    const stats = await s.close();
    await heard.done;
    expect(stats.latched).toMatchObject({ port: caller.port, ssrc: 0x1234 });
    expect(stats.malformed).toBe(201);
    expect(stats.dropped.foreign_source).toBe(21);
    const loud = heard.frames.filter((f) => rmsDbfs(f.pcm) > -40);
    expect(loud.length).toBeGreaterThanOrEqual(49);
    expect(loud.length).toBeLessThanOrEqual(51); // + the concealment frame after the last packet
    expect(attacker.received.length).toBe(0);
    expect(caller.received.length).toBeGreaterThanOrEqual(20);
  });

  it("a stranger at another address who sends first is neither latched to nor heard, and gets nothing", async () => {
    const caller = track(await RawPeer.open());
    const stranger = track(await RawPeer.open("127.0.0.2"));
    const s = track(await openSession({ config: rtpConfig(ROOMY) }));
    s.start(media(caller.port));
    const heard = collect(s.frames);
    const playback = s.play(tonePcm(600)); // the greeting, before the caller says anything
    // The stranger sprays valid RTP (the caller's payload type, loud) before the caller's first packet.
    const spray = stranger.stream(s.localPort, tonePcm(400, 0.9, 2000), { ssrc: 0xbad });
    await sleep(200);
    const fromCaller = await caller.stream(s.localPort, tonePcm(200), { ssrc: 0x1234 });
    await spray;
    await playback.done;
    await sleep(200);
    const stats = await s.close();
    await heard.done;
    expect(fromCaller).toBe(10);
    expect(stats.latched).toMatchObject({ address: "127.0.0.1", port: caller.port, ssrc: 0x1234 });
    expect(stats.dropped.foreign_source).toBe(20);
    expect(stranger.received.length).toBe(0);
    expect(caller.received.length).toBeGreaterThanOrEqual(30); // the greeting went to the SDP address all along
    // What was heard is the caller's tone only (10 loud frames, give or take concealment), never the stranger's.
    expect(heard.frames.filter((f) => rmsDbfs(f.pcm) > -20).length).toBeLessThanOrEqual(12);
  });

  it("with latchAnySource (callers behind NAT) the first source from anywhere latches", async () => {
    const natted = track(await RawPeer.open("127.0.0.2"));
    const s = track(await openSession({ config: rtpConfig({ latchAnySource: true }) }));
    s.start(media(9)); // the SDP names an address the caller's packets never come from
    await natted.stream(s.localPort, tonePcm(60));
    await sleep(60);
    expect(s.stats().latched).toMatchObject({ address: "127.0.0.2", port: natted.port });
    expect(natted.received.length).toBeGreaterThanOrEqual(1);
  });

  it("keepalives (empty datagrams, STUN) do not stop a NATed caller from being latched", async () => {
    const caller = track(await RawPeer.open());
    const s = track(await openSession());
    s.start(media(9));
    caller.send(new Uint8Array(0), s.localPort);
    caller.send(Uint8Array.from([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, ...new Uint8Array(12)]), s.localPort);
    await sleep(20);
    await caller.stream(s.localPort, tonePcm(60));
    await sleep(40);
    expect(s.stats().latched?.port).toBe(caller.port);
    expect(s.stats().malformed).toBe(2);
  });

  it("a re-INVITE moves media to the new address and forgets the latch", async () => {
    const first = track(await RawPeer.open());
    const second = track(await RawPeer.open());
    const s = track(await openSession());
    s.start(media(first.port));
    await first.stream(s.localPort, tonePcm(60));
    await sleep(40);
    expect(s.stats().latched?.port).toBe(first.port);
    s.update({ remoteAddress: "127.0.0.1", remotePort: second.port });
    expect(s.stats().latched).toBeNull();
    const n = second.received.length;
    await sleep(100);
    expect(second.received.length).toBeGreaterThan(n);
  });

  it("hold (inactive) sends nothing and pauses playback; resuming picks up where it stopped", async () => {
    const peer = track(await RawPeer.open());
    const s = track(await openSession());
    s.start(media(peer.port));
    const p = s.play(tonePcm(400));
    await sleep(100);
    s.update({ direction: "inactive" });
    const n = peer.received.length;
    await sleep(150);
    expect(peer.received.length - n).toBeLessThanOrEqual(1);
    expect(s.playing).toBe(true);
    const heldAt = p.playedSamples;
    s.update({ direction: "sendrecv" });
    const r = await p.done;
    expect(r).toMatchObject({ completed: true, playedSamples: 3200 });
    expect(heldAt).toBeLessThan(3200);
    // The first packet after the hold opens a talkspurt.
    const resumed = peer.received.slice(n).find((pk) => pk.marker);
    expect(resumed).toBeDefined();
  });
});
