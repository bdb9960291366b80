import { describe, expect, it } from "vitest";
import {
  concatFloat32,
  concatFrames,
  concatInt16,
  float32ToInt16,
  frameDurationMs,
  int16ToFloat32,
  msToSamples,
  samplesToMs,
  sliceFrame,
} from "../../../src/audio/frame.js";
import { Framer } from "../../../src/audio/framer.js";
import { ParleyError } from "../../../src/lib/errors.js";

describe("Int16 <-> Float32", () => {
  it("round-trips every 16-bit value exactly", () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const f = int16ToFloat32(all);
    expect(f[0]).toBe(-1);
    expect(Array.from(float32ToInt16(f))).toEqual(Array.from(all));
  });

  it("clamps out-of-range floats instead of wrapping, and maps NaN to 0", () => {
    const out = float32ToInt16(Float32Array.of(1, 1.5, -1, -3, 0.5, -0.5, Number.NaN, Number.POSITIVE_INFINITY));
    expect(Array.from(out)).toEqual([32767, 32767, -32768, -32768, 16384, -16384, 0, 32767]);
  });

  it("writes into a caller's buffer and refuses one that is too small", () => {
    const dst = new Float32Array(4);
    expect(int16ToFloat32(Int16Array.of(16384, -16384), dst)).toBe(dst);
    expect(Array.from(dst)).toEqual([0.5, -0.5, 0, 0]);
    const back = new Int16Array(2);
    expect(float32ToInt16(Float32Array.of(0.25, -0.25), back)).toBe(back);
    expect(Array.from(back)).toEqual([8192, -8192]);
    expect(() => int16ToFloat32(new Int16Array(3), new Float32Array(2))).toThrow(RangeError);
    expect(() => float32ToInt16(new Float32Array(3), new Int16Array(2))).toThrow(RangeError);
  });
});

describe("frame helpers", () => {
  it("converts between milliseconds and samples", () => {
    expect(msToSamples(20, 8000)).toBe(160);
    expect(msToSamples(20, 22050)).toBe(441);
    expect(samplesToMs(320, 16000)).toBe(20);
    expect(frameDurationMs({ pcm: new Int16Array(160), sampleRate: 8000, ptsMs: 0 })).toBe(20);
  });

  it("concatenates arrays and frames", () => {
    expect(Array.from(concatInt16([Int16Array.of(1, 2), new Int16Array(0), Int16Array.of(3)]))).toEqual([1, 2, 3]);
    expect(Array.from(concatFloat32([Float32Array.of(0.5), Float32Array.of(-0.5)]))).toEqual([0.5, -0.5]);
    const joined = concatFrames([
      { pcm: Int16Array.of(1, 2), sampleRate: 8000, ptsMs: 40 },
      { pcm: Int16Array.of(3), sampleRate: 8000, ptsMs: 40.25 },
    ]);
    expect(joined).toEqual({ pcm: Int16Array.of(1, 2, 3), sampleRate: 8000, ptsMs: 40 });
  });

  it("refuses to concatenate frames of different rates or none", () => {
    const a = { pcm: new Int16Array(1), sampleRate: 8000, ptsMs: 0 };
    const b = { pcm: new Int16Array(1), sampleRate: 16000, ptsMs: 0 };
    expect(() => concatFrames([a, b])).toThrow(ParleyError);
    expect(() => concatFrames([])).toThrow(ParleyError);
  });

  it("slices a frame as a view and moves its pts", () => {
    const frame = { pcm: Int16Array.from({ length: 160 }, (_, i) => i), sampleRate: 8000, ptsMs: 100 };
    const part = sliceFrame(frame, 80, 120);
    expect(part.ptsMs).toBe(110);
    expect(part.pcm.length).toBe(40);
    expect(part.pcm[0]).toBe(80);
    expect(part.pcm.buffer).toBe(frame.pcm.buffer);
    expect(sliceFrame(frame, 150, 999).pcm.length).toBe(10);
    expect(sliceFrame(frame, 200).pcm.length).toBe(0);
  });
});

describe("Framer", () => {
  it("regroups odd-sized chunks into exact 20 ms frames with continuous pts", () => {
    const framer = new Framer({ sampleRate: 8000, startPtsMs: 1000 });
    const input = Int16Array.from({ length: 1000 }, (_, i) => i);
    const frames = [];
    for (let at = 0; at < input.length;) {
      const size = [7, 160, 333, 1, 90][at % 5]!;
      frames.push(...framer.push(input.subarray(at, at + size)));
      at += size;
    }
    frames.push(...framer.flush());
    expect(frames.map((f) => f.pcm.length)).toEqual(Array(7).fill(160));
    expect(frames.map((f) => f.ptsMs)).toEqual([1000, 1020, 1040, 1060, 1080, 1100, 1120]);
    const joined = concatInt16(frames.map((f) => f.pcm));
    expect(Array.from(joined.subarray(0, 1000))).toEqual(Array.from(input));
    expect(joined.subarray(1000).every((v) => v === 0)).toBe(true);
    expect(framer.flush()).toEqual([]);
  });

  it("frames do not alias the caller's buffer", () => {
    const framer = new Framer({ sampleRate: 8000 });
    const chunk = new Int16Array(160).fill(5);
    const [frame] = framer.push(chunk);
    chunk.fill(9);
    expect(frame!.pcm[0]).toBe(5);
  });
});
