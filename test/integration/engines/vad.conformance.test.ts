import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import type { VadEngine, VadEvent } from "../../../src/engines/types.js";
import { concat, frames, readWaveFile, silence } from "../../helpers/audio.js";
import { Resampler } from "../../../src/audio/index.js";
import { fliteMissing, speechWav } from "../../helpers/speech.js";
import { sileroRef, testConfig } from "../../helpers/models.js";
import { fixtures, missingFixture } from "../../helpers/paths.js";

/**
 * One conformance suite for every VAD runtime: each must find the speech in
 * real audio (jfk.wav), agree between streaming and whole-file use, stay quiet
 * on silence, and stop when aborted.
 */
const runtimes = ["sherpa", "vad-node"] as const;
const jfkMissing = missingFixture(fixtures.jfkWav);

for (const runtime of runtimes) {
  describe(`VAD conformance: silero on ${runtime}`, () => {
    let vad: VadEngine;
    beforeAll(async () => {
      vad = await createEngine("vad", sileroRef(), testConfig({ engines: { vad: { runtime } } }));
    });
    afterAll(async () => vad?.dispose());

    it("reports its model and rate", () => {
      expect(vad.sampleRate).toBe(16000);
      expect(vad.info.kind).toBe("vad");
      expect(vad.info.modelId).toBe("silero-vad-v4-npm");
    });

    it("finds no speech in silence", async () => {
      const segments = await vad.segments(silence(16000, 3000), { signal: AbortSignal.timeout(20_000) });
      expect(segments).toEqual([]);
    });

    it.skipIf(jfkMissing)("finds the speech in jfk.wav, whole file", async () => {
      const wave = readWaveFile(fixtures.jfkWav);
      const segments = await vad.segments(wave.samples, { signal: AbortSignal.timeout(20_000) });
      expect(segments.length).toBeGreaterThan(0);
      const speechMs = segments.reduce((n, s) => n + (s.endMs - s.startMs), 0);
      // jfk.wav is 11 s of one speaker with short pauses.
      expect(speechMs).toBeGreaterThan(6000);
      expect(speechMs).toBeLessThan(11_000);
      for (const s of segments) expect(s.endMs).toBeGreaterThan(s.startMs);
    });

    it.skipIf(jfkMissing)(
      "streams 20 ms frames: every speech-end follows a speech-start, and matches whole-file use",
      async () => {
        const wave = readWaveFile(fixtures.jfkWav);
        const audio = concat(silence(16000, 500), wave.samples, silence(16000, 1500));
        const stream = vad.open({ signal: AbortSignal.timeout(20_000) });
        const events: VadEvent[] = [];
        const reader = (async () => {
          for await (const e of stream) events.push(e);
        })();
        for (const f of frames(audio, 320)) stream.push(f);
        stream.end();
        await reader;
        const starts = events.filter((e) => e.type === "speech-start");
        const ends = events.filter((e): e is Extract<VadEvent, { type: "speech-end" }> => e.type === "speech-end");
        expect(starts.length).toBeGreaterThan(0);
        expect(ends.length).toBeGreaterThan(0);
        expect(events[0]?.type).toBe("speech-start");
        // A speech-end is decided after its segment ends (the minimum silence), and says where.
        for (const e of ends) expect(e.atMs).toBeGreaterThanOrEqual(e.endMs);
        const first = starts[0];
        expect(first && first.type === "speech-start" ? first.atMs : 0).toBeGreaterThanOrEqual(400); // after the leading silence
        const whole = await vad.segments(audio, { signal: AbortSignal.timeout(20_000) });
        const total = (xs: { startMs: number; endMs: number }[]) => xs.reduce((n, s) => n + s.endMs - s.startMs, 0);
        expect(Math.abs(total(ends) - total(whole))).toBeLessThan(1000);
      },
    );

    // Clean speech (flite): jfk.wav, an old noisy recording, sits right at silero's threshold once narrowed to the telephone band.
    it.skipIf(fliteMissing)("takes telephone audio at 8 kHz and finds the same speech", async () => {
      const wave = readWaveFile(speechWav("Hello, I would like to book a table for two tomorrow evening, please."));
      const narrow = new Resampler(16000, 8000).process(concat(wave.samples, silence(16000, 1500)));
      const stream = vad.open({ signal: AbortSignal.timeout(20_000), inputRate: 8000 });
      const ends: { startMs: number; endMs: number }[] = [];
      const reader = (async () => {
        for await (const e of stream) if (e.type === "speech-end") ends.push(e);
      })();
      for (const f of frames(narrow, 160)) stream.push(f);
      stream.end();
      await reader;
      const whole = await vad.segments(concat(wave.samples, silence(16000, 1500)), {
        signal: AbortSignal.timeout(20_000),
      });
      const total = (xs: { startMs: number; endMs: number }[]) => xs.reduce((n, x) => n + x.endMs - x.startMs, 0);
      expect(ends.length).toBeGreaterThan(0);
      expect(Math.abs(total(ends) - total(whole))).toBeLessThan(1500);
    });

    it("stops when aborted and emits nothing after", async () => {
      const controller = new AbortController();
      const stream = vad.open({ signal: controller.signal });
      const events: VadEvent[] = [];
      const reader = (async () => {
        for await (const e of stream) events.push(e);
      })();
      controller.abort();
      stream.push(new Float32Array(16000).fill(0.5));
      await reader;
      expect(events).toEqual([]);
    });
  });
}
