import { afterEach, describe, expect, it } from "vitest";
import {
  type Frame,
  concatInt16,
  decodeAlaw,
  decodeMulaw,
  encodeAlaw,
  encodeMulaw,
  rmsDbfs,
} from "../../../src/audio/index.js";
import type { G711Law } from "../../../src/audio/index.js";
import type { RtpSession } from "../../../src/rtp/session.js";
import { RawPeer, collect, media, openPair, openSession, rtpConfig, sleep, tonePcm } from "./helpers.js";

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
const track = <T extends { close(): Promise<unknown> }>(x: T) => (open.push(x), x);

const roundTrip = (pcm: Int16Array, law: G711Law) =>
  law === "pcmu" ? decodeMulaw(encodeMulaw(pcm)) : decodeAlaw(encodeAlaw(pcm));
const loud = (f: Frame) => rmsDbfs(f.pcm) > -40;

/**
 * Checks that `frames` contain `src` (after G.711) at the right level and length. `skipped`: slots the
 * sender skipped after stalls of its thread (see Pacer); each is a 20 ms pause inserted in the audio
 * (concealed by the receiver), never lost audio, so every source frame must still be heard, in order.
 */
function expectHeard(frames: Frame[], src: Int16Array, law: G711Law, skipped: number) {
  const first = frames.findIndex(loud);
  expect(first).toBeGreaterThanOrEqual(0);
  const ref = roundTrip(src, law);
  // Level and duration, as a listener would judge them.
  const active = frames.filter(loud);
  expect(Math.abs(rmsDbfs(concatInt16(active.map((f) => f.pcm))) - rmsDbfs(src))).toBeLessThan(0.5 + skipped);
  expect(active.length).toBeGreaterThanOrEqual(src.length / 160 - 1);
  expect(active.length).toBeLessThanOrEqual(src.length / 160 + 1 + skipped);
  // And sample for sample: each 20 ms of the G.711 round trip heard whole, in order. A packet late beyond
  // the (roomy) jitter buffer on a badly overloaded machine is concealed, so allow a few.
  const same = (f: Frame, k: number) => f.pcm.every((v, i) => v === ref[k * 160 + i]);
  const n = ref.length / 160;
  let found = 0;
  for (let k = 0, j = first; k < n && j < frames.length; k++) {
    const at = frames.slice(j, j + 3 + skipped).findIndex((f) => same(f, k));
    if (at < 0) continue;
    found++;
    j += at + 1;
  }
  expect(found / n).toBeGreaterThanOrEqual(0.95);
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
      expectHeard(heardByB.frames, toB, codec, sa.pacer.skippedFrames);
      expectHeard(heardByA.frames, toA, codec, sb.pacer.skippedFrames);
      // Caller frames are 20 ms, 8 kHz, with continuous timestamps.
      expect(heardByB.frames.every((f, i) => f.sampleRate === 8000 && f.pcm.length === 160 && f.ptsMs === i * 20)).toBe(
        true,
      );
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
    expect(a.playing).toBe(true);
    const playedAtClear = playback.playedSamples; // as of the media thread's last report, a tick old at most
    expect(a.clearPlayback()).toBe(1);
    expect(a.playing).toBe(false);
    const result = await playback.done;
    await sleep(200);
    await a.close();
    expect(result).toMatchObject({ completed: false, reason: "cleared", queuedSamples: 40000 });
    // The media thread handles the clear before its next packet (or the one after, had a tick already begun).
    expect(result.playedSamples - playedAtClear).toBeLessThanOrEqual(3 * 160);
    // On the wire: the tone, in one piece, exactly as many samples as reported played; silence after.
    const isSilent = (p: Uint8Array) => p.every((b) => b === 0xff);
    const tone = peer.received.map((p) => !isSilent(p.payload));
    const firstTone = tone.indexOf(true);
    const lastTone = tone.lastIndexOf(true);
    expect(tone.slice(firstTone, lastTone + 1).every(Boolean)).toBe(true);
    expect((lastTone - firstTone + 1) * 160).toBe(result.playedSamples);
    expect(result.playedSamples).toBeGreaterThanOrEqual(3 * 160);
    expect(tone.length - lastTone - 1).toBeGreaterThanOrEqual(3); // ~10 silent packets in 200 ms; fewer if the machine stalls
  });

  it("sends a steady stream with continuous sequence numbers and timestamps, marker on the first packet only", async () => {
    const peer = track(await RawPeer.open());
    const a = track(await openSession({ ssrc: 0xabcdef01 }));
    a.start(media(peer.port));
    a.play(tonePcm(200));
    await sleep(600);
    const stats = await a.close();
    await sleep(30); // the last datagrams land
    const r = peer.received;
    expect(r.length).toBe(stats.packetsOut);
    expect(r.length).toBeGreaterThanOrEqual(20); // 30 slots; fewer if the media thread was held up
    // Where the machine held the media thread up by two frames or more, the sender skipped those slots:
    // the timestamp jumps over them (media time = real time) and the marker says so; nothing else breaks the stream.
    let skipped = 0;
    r.forEach((p, i) => {
      expect(p.ssrc).toBe(0xabcdef01);
      expect(p.payloadType).toBe(0);
      if (i === 0) return expect(p.marker).toBe(true);
      const step = (p.timestamp - r[i - 1]!.timestamp) >>> 0;
      expect(p.sequence).toBe((r[i - 1]!.sequence + 1) & 0xffff);
      expect(step % 160).toBe(0);
      expect(p.marker).toBe(step > 160);
      skipped += step / 160 - 1;
    });
    expect(skipped).toBe(stats.pacer.skippedFrames);
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
