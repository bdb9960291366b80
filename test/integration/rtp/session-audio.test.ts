import { afterEach, describe, expect, it } from "vitest";
import { type Frame, concatInt16, decodeAlaw, decodeMulaw, encodeAlaw, encodeMulaw, rmsDbfs } from "../../../src/audio/index.js";
import type { G711Law } from "../../../src/audio/index.js";
import type { RtpSession } from "../../../src/rtp/session.js";
import { RawPeer, collect, media, openPair, openSession, rtpConfig, sleep, tonePcm } from "./helpers.js";

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const track = <T extends { close(): Promise<unknown> }>(x: T) => (open.push(x), x);

const roundTrip = (pcm: Int16Array, law: G711Law) => (law === "pcmu" ? decodeMulaw(encodeMulaw(pcm)) : decodeAlaw(encodeAlaw(pcm)));
const loud = (f: Frame) => rmsDbfs(f.pcm) > -40;

/** Checks that `frames` contain `src` (after G.711) at the right level and length. */
function expectHeard(frames: Frame[], src: Int16Array, law: G711Law) {
  const first = frames.findIndex(loud);
  expect(first).toBeGreaterThanOrEqual(0);
  const heard = concatInt16(frames.map((f) => f.pcm)).subarray(first * 160, first * 160 + src.length);
  const ref = roundTrip(src, law);
  expect(heard.length).toBe(ref.length);
  // Level and duration, as a listener would judge them.
  expect(Math.abs(rmsDbfs(heard) - rmsDbfs(src))).toBeLessThan(0.5);
  const active = frames.filter(loud).length;
  expect(Math.abs(active - src.length / 160)).toBeLessThanOrEqual(1);
  // And sample for sample: 20 ms frames identical to the G.711 round trip. A packet late beyond the
  // (roomy) jitter buffer on a badly overloaded machine is concealed, so allow a few.
  let same = 0;
  for (let k = 0; k < ref.length / 160; k++) {
    let eq = true;
    for (let i = k * 160; i < (k + 1) * 160; i++) if (heard[i] !== ref[i]) eq = false;
    if (eq) same++;
  }
  expect(same / (ref.length / 160)).toBeGreaterThanOrEqual(0.95);
}

describe("two RtpSessions over loopback", () => {
  for (const codec of ["pcmu", "pcma"] as const) {
    it(`${codec}: each side hears what the other played, at the same level and length`, async () => {
      const [a, b] = (await openPair({ codec })).map(track) as [RtpSession, RtpSession];
      const heardByA = collect(a.frames);
      const heardByB = collect(b.frames);
      await sleep(60);
      const toB = tonePcm(1000, 0.3, 440);
      const toA = tonePcm(600, 0.1, 1000);
      const [ra, rb] = await Promise.all([a.play(toB).done, b.play(toA).done]);
      expect(ra).toMatchObject({ completed: true, reason: "completed", playedSamples: 8000, underruns: 0 });
      expect(rb).toMatchObject({ completed: true, playedSamples: 4800 });
      await sleep(500); // the jitter buffer's delay
      const [sa, sb] = await Promise.all([a.close(), b.close()]);
      await Promise.all([heardByA.done, heardByB.done]);
      expectHeard(heardByB.frames, toB, codec);
      expectHeard(heardByA.frames, toA, codec);
      // Caller frames are 20 ms, 8 kHz, with continuous timestamps.
      expect(heardByB.frames.every((f, i) => f.sampleRate === 8000 && f.pcm.length === 160 && f.ptsMs === i * 20)).toBe(true);
      for (const s of [sa, sb]) {
        expect(s.malformed).toBe(0);
        expect(s.packetsIn).toBeGreaterThan(50);
        expect(s.latched?.port).toBe(s === sa ? b.localPort : a.localPort);
        expect(s.codec).toBe(codec);
      }
    });
  }

  it("clearPlayback stops the stream within one frame and reports what was actually played", async () => {
    const peer = track(await RawPeer.open());
    const a = track(await openSession());
    a.start(media(peer.port));
    await sleep(60);
    const playback = a.play(tonePcm(5000));
    await sleep(300);
    const sentBeforeClear = a.stats().packetsOut;
    expect(a.playing).toBe(true);
    expect(a.clearPlayback()).toBe(1);
    expect(a.playing).toBe(false);
    const result = await playback.done;
    await sleep(200);
    await a.close();
    const firstSeq = peer.received[0]!.sequence;
    const isSilent = (p: Uint8Array) => p.every((b) => b === 0xff);
    const afterClear = peer.received.filter((p) => ((p.sequence - firstSeq) & 0xffff) >= sentBeforeClear);
    expect(afterClear.length).toBeGreaterThanOrEqual(3); // ~10 in 200 ms; fewer if the loop stalls
    expect(afterClear.filter((p) => !isSilent(p.payload)).length).toBe(0);
    const tonePackets = peer.received.filter((p) => !isSilent(p.payload)).length;
    expect(tonePackets).toBeGreaterThanOrEqual(3);
    expect(result).toMatchObject({ completed: false, reason: "cleared", playedSamples: tonePackets * 160, queuedSamples: 40000 });
  });

  it("sends a steady stream with continuous sequence numbers and timestamps, marker on the first packet only", async () => {
    const peer = track(await RawPeer.open());
    const a = track(await openSession({ ssrc: 0xabcdef01 }));
    a.start(media(peer.port));
    a.play(tonePcm(200));
    await sleep(600);
    await a.close();
    const r = peer.received;
    expect(r.length).toBeGreaterThanOrEqual(10); // 30 slots; fewer if the loop stalls
    r.forEach((p, i) => {
      expect(p.ssrc).toBe(0xabcdef01);
      expect(p.payloadType).toBe(0);
      expect(p.marker).toBe(i === 0);
      if (i > 0) {
        expect(p.sequence).toBe((r[i - 1]!.sequence + 1) & 0xffff);
        expect(p.timestamp).toBe((r[i - 1]!.timestamp + 160) >>> 0);
      }
    });
  });

  it("with idle silence off, sends only talkspurts, each opening with the marker bit", async () => {
    const peer = track(await RawPeer.open());
    const a = track(await openSession({ config: rtpConfig({ sendSilenceWhenIdle: false }) }));
    a.start(media(peer.port));
    await sleep(100);
    expect(peer.received.length).toBe(0);
    await a.play(tonePcm(100)).done;
    await sleep(100);
    await a.play(tonePcm(60)).done;
    await sleep(60);
    await a.close();
    const r = peer.received;
    expect(r.map((p) => p.marker)).toEqual([true, false, false, false, false, true, false, false]);
    expect(r[5]!.sequence).toBe((r[4]!.sequence + 1) & 0xffff);
    // The media clock kept running through the pause: the timestamp jumped by the idle time.
    expect(r[5]!.timestamp - r[4]!.timestamp).toBeGreaterThan(160);
    expect((r[5]!.timestamp - r[4]!.timestamp) % 160).toBe(0);
  });

  it("streams agent audio from an async source and reports underruns", async () => {
    const [a, b] = (await openPair()).map(track) as [RtpSession, RtpSession];
    const heard = collect(b.frames);
    async function* tts() {
      yield tonePcm(200);
      await sleep(350); // the next sentence comes after the first has finished playing: a gap
      yield tonePcm(200);
    }
    const r = await a.play(tts()).done;
    expect(r).toMatchObject({ completed: true, playedSamples: 3200, underruns: 1 });
    expect(a.stats().underruns).toBe(1);
    await sleep(500);
    await b.close();
    await heard.done;
    expect(heard.frames.filter((f) => rmsDbfs(f.pcm) > -40).length).toBe(20);
  });
});
