import { describe, expect, it } from "vitest";
import { parseWav, readWavHeader } from "../../../src/audio/wav.js";
import type { WavLimits } from "../../../src/audio/wav-header.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { type BuildOptions, buildWav, encodeSamples } from "./wav-builder.js";

/** 100 ms of 8 kHz mono PCM16 with the given overrides. */
function wav(overrides: Partial<BuildOptions> = {}): Buffer {
  return buildWav({
    formatTag: 1,
    channels: 1,
    sampleRate: 8000,
    bitsPerSample: 16,
    data: encodeSamples(
      "pcm_s16",
      Float64Array.from({ length: 800 }, (_, i) => 0.3 * Math.sin(i / 3)),
    ),
    ...overrides,
  });
}

/** The ParleyError that parsing `bytes` throws (fails the test if it throws anything else or nothing). */
function errorOf(bytes: Uint8Array, limits?: WavLimits): ParleyError {
  try {
    parseWav(bytes, limits);
  } catch (err) {
    if (err instanceof ParleyError) return err;
    throw new Error(`expected a ParleyError, got ${String(err)}`);
  }
  throw new Error("expected parseWav to throw");
}

function expectInvalid(bytes: Uint8Array, message: RegExp, status = 400): void {
  const err = errorOf(bytes);
  expect({ code: err.code, status: err.status }).toEqual({ code: "audio_invalid", status });
  expect(err.message).toMatch(message);
}

describe("parseWav rejects malformed files with a typed error", () => {
  it("too short to be a WAV", () => {
    expectInvalid(Buffer.alloc(0), /truncated header: 0 bytes/);
    expectInvalid(Buffer.from("RIFF"), /truncated header/);
    expectInvalid(wav().subarray(0, 16), /truncated header/);
  });

  it("truncated inside the fmt chunk or the data chunk header", () => {
    expectInvalid(wav().subarray(0, 30), /truncated header: fmt chunk/);
    expectInvalid(wav().subarray(0, 40), /file ends inside a chunk header/);
    expectInvalid(wav().subarray(0, 44), /no complete sample frame/);
    expectInvalid(wav().subarray(0, 45), /no complete sample frame/);
  });

  it("wrong magic or form type", () => {
    expectInvalid(Buffer.concat([Buffer.from("ID3\x04"), Buffer.alloc(100)]), /wrong magic "ID3\\u0004"/);
    expectInvalid(Buffer.concat([Buffer.from("OggS"), Buffer.alloc(100)]), /wrong magic "OggS".*not a WAV/);
    expectInvalid(wav({ magic: "RIFZ" }), /wrong magic/);
    expectInvalid(wav({ form: "AVI " }), /form type is "AVI "/);
    expectInvalid(wav({ magic: "RF64" }), /RF64/, 415);
  });

  it("a missing, short, duplicated or oversized fmt chunk", () => {
    const noFmt = Buffer.concat([
      Buffer.from("RIFF"),
      Buffer.alloc(4),
      Buffer.from("WAVEdata"),
      Buffer.from([4, 0, 0, 0, 1, 2, 3, 4]),
    ]);
    expectInvalid(noFmt, /data chunk comes before any fmt chunk/);
    const onlyList = Buffer.concat([
      Buffer.from("RIFF"),
      Buffer.alloc(4),
      Buffer.from("WAVELIST"),
      Buffer.from([4, 0, 0, 0, 1, 2, 3, 4]),
    ]);
    expectInvalid(onlyList, /no fmt chunk/);
    const shortFmt = wav();
    shortFmt.writeUInt32LE(14, 16);
    expectInvalid(shortFmt, /fmt chunk is 14 bytes/);
    const hugeFmt = wav();
    hugeFmt.writeUInt32LE(0x7fffffff, 16);
    expectInvalid(hugeFmt, /fmt chunk at byte 12 runs past the end/);
    const twice = wav({ between: [{ id: "fmt ", body: Buffer.alloc(16) }] });
    expect(parseWav(twice).warnings).toEqual([expect.stringMatching(/second fmt chunk/)]);
  });

  it("no data chunk, or an empty one", () => {
    const w = wav();
    expectInvalid(w.subarray(0, 36), /no data chunk/);
    expectInvalid(wav({ data: new Uint8Array(0) }), /data chunk is empty/);
  });

  it("chunks that run past the end of the file before the data", () => {
    expectInvalid(
      wav({ between: [{ id: "LIST", body: new Uint8Array(8), size: 1_000_000 }] }),
      /"LIST" at byte 36 declares 1000000 bytes, past the end/,
    );
    expectInvalid(wav({ between: [{ id: "LIST", body: new Uint8Array(8), size: 0xffffffff }] }), /past the end/);
  });

  it("garbage where a chunk header should be", () => {
    const w = wav({ between: [{ id: "LIST", body: new Uint8Array(4) }] });
    w[36] = 0x00;
    w[37] = 0xff;
    expectInvalid(w, /malformed chunk header at byte 36/);
  });

  it("impossible fmt fields", () => {
    expectInvalid(wav({ channels: 0, blockAlign: 2 }), /0 channels/);
    expectInvalid(wav({ sampleRate: 0 }), /sample rate 0/);
    expectInvalid(wav({ bitsPerSample: 0, blockAlign: 2 }), /0 bits per sample/);
    expectInvalid(wav({ blockAlign: 1 }), /block align 1 does not fit 1 channel\(s\) of 16-bit/);
    expectInvalid(wav({ channels: 2, blockAlign: 3 }), /block align 3 does not fit 2 channel/);
    expectInvalid(wav({ formatTag: 7, bitsPerSample: 16 }), /G.711 audio must be 8 bits/);
  });

  it("WAVE_FORMAT_EXTENSIBLE with a short fmt chunk", () => {
    const w = wav({ formatTag: 0xfffe, fmtExtra: Uint8Array.of(0, 0) });
    expectInvalid(w, /WAVE_FORMAT_EXTENSIBLE fmt chunk is 18 bytes, needs 40/);
  });

  it("data that ends inside a sample frame keeps the whole frames and says so", () => {
    const w = wav({ data: Uint8Array.of(0, 0x40, 0, 0xc0, 0x12) });
    const got = parseWav(w);
    expect(Array.from(got.samples)).toEqual([0.5, -0.5]);
    expect(got.warnings).toEqual([expect.stringMatching(/dropped 1 trailing byte/)]);
  });

  it("accepts a data chunk longer than the file (truncated upload), decoding what is present, with a warning", () => {
    const full = wav();
    const cut = full.subarray(0, full.length - 601); // also leaves half a sample frame
    const got = parseWav(cut);
    expect(got.samples.length).toBe(800 - 301);
    expect(Array.from(got.samples)).toEqual(Array.from(parseWav(full).samples.subarray(0, 499)));
    expect(got.warnings).toEqual([
      expect.stringMatching(/data chunk declares 1600 bytes but only 999 are present \(file truncated\)/),
      expect.stringMatching(/dropped 1 trailing byte/),
    ]);
  });

  it("a byte rate or RIFF size that disagrees is tolerated with a warning", () => {
    expect(parseWav(wav({ byteRate: 12345 })).warnings).toEqual([expect.stringMatching(/byte rate 12345/)]);
    expect(parseWav(wav({ riffSize: 100 })).warnings).toEqual([expect.stringMatching(/RIFF size 100 is smaller/)]);
  });

  it("a block align of 0 is refused, not guessed (issue 10, item 24)", () => {
    expectInvalid(
      wav({ blockAlign: 0 }),
      /fmt chunk says block align 0 \(bytes per sample frame\): the header is corrupt/,
    );
  });
});

describe("parseWav refuses what it does not decode with 415", () => {
  it.each([
    [0x0002, /Microsoft ADPCM \(0x0002\)/],
    [0x0011, /IMA ADPCM \(0x0011\)/],
    [0x0055, /MP3 \(0x0055\)/],
    [0x1234, /encoding 0x1234; convert to PCM/],
  ])("format tag %i", (formatTag, message) => {
    expectInvalid(wav({ formatTag, bitsPerSample: 4, blockAlign: 256 }), message, 415);
  });

  it("more than two channels", () => {
    expectInvalid(wav({ channels: 3, blockAlign: 6 }), /3 channels; only mono and stereo/, 415);
    expectInvalid(wav({ channels: 6, extensible: { subFormat: 1 } }), /6 channels/, 415);
  });

  it("sample rates outside 4000..192000", () => {
    expectInvalid(wav({ sampleRate: 3999 }), /3999 Hz is outside 4000..192000/, 415);
    expectInvalid(wav({ sampleRate: 192001 }), /outside/, 415);
    expectInvalid(wav({ sampleRate: 0xffffffff }), /outside/, 415);
  });

  it("odd sample containers", () => {
    expectInvalid(wav({ formatTag: 3, bitsPerSample: 16 }), /IEEE float with 16-bit samples/, 415);
    expectInvalid(wav({ bitsPerSample: 40 }), /PCM with 5-byte samples/, 415);
  });

  it("an extensible sub-format GUID that is not a standard audio subtype", () => {
    const guidTail = [0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x72];
    expectInvalid(wav({ extensible: { subFormat: 1, guidTail } }), /sub-format GUID/, 415);
    expectInvalid(wav({ extensible: { subFormat: 0x0011 } }), /IMA ADPCM/, 415);
  });
});

describe("size and duration limits, from the header, before decoding", () => {
  it("rejects a buffer larger than maxBytes with audio_too_large (413)", () => {
    const w = wav();
    const err = errorOf(w, { maxBytes: w.length - 1 });
    expect({ code: err.code, status: err.status }).toEqual({ code: "audio_too_large", status: 413 });
    expect(parseWav(w, { maxBytes: w.length }).samples.length).toBe(800);
  });

  it("rejects audio longer than maxDurationMs with audio_too_long (413); the limit itself passes", () => {
    const err = errorOf(wav(), { maxDurationMs: 99 });
    expect({ code: err.code, status: err.status }).toEqual({ code: "audio_too_long", status: 413 });
    expect(err.message).toMatch(/audio is 100 ms long, the limit is 99 ms/);
    expect(parseWav(wav(), { maxDurationMs: 100 }).durationMs).toBe(100);
  });

  it("judges by what the header declares: 2 hours declared is refused though only 100 ms of samples exist", () => {
    // The samples for 2 hours are not in the buffer, so the refusal can only come from header arithmetic.
    const w = wav({ dataSize: 2 * 3600 * 8000 * 2 });
    expect(() => readWavHeader(w, { maxDurationMs: 60_000 })).toThrow(/audio is 7200.0 s long/);
    expect(errorOf(w, { maxDurationMs: 60_000 }).code).toBe("audio_too_long");
    expect(errorOf(w, { maxBytes: 1_000_000 }).code).toBe("audio_too_large");
    // Without limits the same file is a truncated upload: decoded, with a warning.
    expect(parseWav(w).warnings).toEqual([expect.stringMatching(/file truncated/)]);
  });

  it("lets a caller refuse an upload from its first bytes", () => {
    const prefix = wav({ dataSize: 50 * 1024 * 1024 }).subarray(0, 4096);
    expect(() => readWavHeader(prefix, { maxBytes: 10 * 1024 * 1024 })).toThrow(
      /data chunk is 52428800 bytes, the limit is 10485760/,
    );
  });

  it.each([0xffffffff, 0x7ffff000])("an unknown-length marker (%i) is judged by the bytes present", (dataSize) => {
    const w = wav({ dataSize });
    const got = parseWav(w, { maxDurationMs: 100, maxBytes: 2000 });
    expect(got.samples.length).toBe(800);
    expect(got.warnings).toEqual([expect.stringMatching(/data size unknown \(0x[7F]FFF.*streaming writer\)/)]);
    expect(errorOf(w, { maxDurationMs: 99 }).code).toBe("audio_too_long");
  });
});

/** Deterministic PRNG (mulberry32) so a failing mutation can be replayed from its iteration number. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses and checks the invariants of anything that parses; anything thrown must be a ParleyError. */
function parseOrTypedError(bytes: Uint8Array, limits: WavLimits | undefined, label: string): "ok" | string {
  try {
    const got = parseWav(bytes, limits);
    if (got.channels !== 1 && got.channels !== 2) throw new Error(`${label}: channels ${got.channels}`);
    if (got.sampleRate < 4000 || got.sampleRate > 192000) throw new Error(`${label}: rate ${got.sampleRate}`);
    if (got.samples.length === 0 || got.samples.length > bytes.length)
      throw new Error(`${label}: ${got.samples.length} samples`);
    for (const v of got.samples) if (!Number.isFinite(v)) throw new Error(`${label}: non-finite sample`);
    return "ok";
  } catch (err) {
    if (err instanceof ParleyError) return err.code;
    throw new Error(`${label}: threw ${String(err)}`, { cause: err });
  }
}

describe("fuzzing the reader", () => {
  const seeds = [
    wav({ between: [{ id: "LIST", body: Buffer.from("INFOISFT\x03\x00\x00\x00ab\x00") }] }),
    buildWav({
      formatTag: 3,
      channels: 2,
      sampleRate: 44100,
      bitsPerSample: 32,
      data: encodeSamples("float32", new Float64Array(64).fill(0.25)),
      extensible: { subFormat: 3 },
    }),
    buildWav({
      formatTag: 7,
      channels: 1,
      sampleRate: 8000,
      bitsPerSample: 8,
      data: new Uint8Array(100).fill(0x55),
      fmtExtra: Uint8Array.of(0, 0),
      between: [{ id: "fact", body: Uint8Array.of(100, 0, 0, 0) }],
    }),
    buildWav({
      formatTag: 1,
      channels: 2,
      sampleRate: 22050,
      bitsPerSample: 24,
      data: new Uint8Array(60).fill(7),
      bigEndian: true,
    }),
  ];
  const interesting = [
    0, 1, 2, 3, 15, 16, 17, 40, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff,
  ];

  function mutate(base: Buffer, next: () => number): Buffer {
    let b = Buffer.from(base);
    const ops = 1 + Math.floor(next() * 4);
    for (let k = 0; k < ops; k++) {
      const op = Math.floor(next() * 7);
      const at = Math.floor(next() * Math.max(1, Math.min(b.length, next() < 0.8 ? 80 : b.length)));
      if (op === 0 && b.length > 0) b[at % b.length] = Math.floor(next() * 256);
      else if (op === 1 && b.length > 0) b[at % b.length] = b[at % b.length]! ^ (1 << Math.floor(next() * 8));
      else if (op === 2 && at + 4 <= b.length)
        b.writeUInt32LE(interesting[Math.floor(next() * interesting.length)]!, at & ~1);
      else if (op === 3 && at + 2 <= b.length) b.writeUInt16LE(interesting[Math.floor(next() * 11)]! & 0xffff, at & ~1);
      else if (op === 4) b = b.subarray(0, Math.floor(next() * b.length));
      else if (op === 5)
        b = Buffer.concat([
          b.subarray(0, at),
          Buffer.from(Array.from({ length: Math.floor(next() * 9) }, () => Math.floor(next() * 256))),
          b.subarray(at),
        ]);
      else if (op === 6)
        b = Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + Math.floor(next() * 8)))]);
    }
    return b;
  }

  it("never throws anything but ParleyError and never hangs, over 5000 mutations of valid files", () => {
    const next = rng(20240611);
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const base = seeds[i % seeds.length]!;
      const limits = i % 3 === 0 ? { maxDurationMs: 50 } : i % 3 === 1 ? { maxBytes: 300 } : undefined;
      const result = parseOrTypedError(mutate(base, next), limits, `mutation ${i}`);
      outcomes.set(result, (outcomes.get(result) ?? 0) + 1);
    }
    // Both paths are exercised: plenty parse, plenty are refused.
    expect(outcomes.get("ok") ?? 0).toBeGreaterThan(500);
    expect(outcomes.get("audio_invalid") ?? 0).toBeGreaterThan(500);
  });

  it("never throws anything but ParleyError on random bytes, with or without a RIFF/WAVE prefix", () => {
    const next = rng(7);
    for (let i = 0; i < 3000; i++) {
      const body = Buffer.from(Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
      const bytes = i % 2 === 0 ? body : Buffer.concat([Buffer.from("RIFF\x00\x00\x00\x00WAVE"), body]);
      parseOrTypedError(bytes, undefined, `random ${i}`);
    }
  });
});
