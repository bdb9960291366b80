/**
 * Cross-checks the WAV reader against two independent readers on files made
 * by sox: sherpa-onnx-node's `readWave` (what the ASR engines use) and sox's
 * own decoding to raw float. Needs the `sox` binary; skipped, saying so, without it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseWav } from "../../../src/audio/wav.js";

const hasSox = spawnSync("sox", ["--version"], { encoding: "utf8" }).status === 0;
const dir = mkdtempSync(join(tmpdir(), "parley-wav-sox-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// sherpa-onnx-node is a CommonJS native addon; typed here only as far as this test uses it.
const sherpa = createRequire(import.meta.url)("sherpa-onnx-node") as {
  readWave(path: string): { samples: Float32Array; sampleRate: number };
};

/** Makes a 0.3 s two-tone test file with sox; `args` choose the encoding. `-D`: no dither, so files are reproducible. */
function soxFile(name: string, rate: number, channels: number, args: string[]): string {
  const path = join(dir, name);
  const synth = channels === 2 ? ["sine", "440", "sine", "1250"] : ["sine", "440"];
  const r = spawnSync("sox", [
    "-D",
    "-n",
    "-r",
    String(rate),
    "-c",
    String(channels),
    ...args,
    path,
    "synth",
    "0.3",
    ...synth,
    "gain",
    "-4",
  ]);
  if (r.status !== 0) throw new Error(`sox failed: ${r.stderr.toString()}`);
  return path;
}

/** sox's own decoding of a file, mixed to mono float. */
function soxDecode(path: string): Float32Array {
  const r = spawnSync("sox", ["-D", path, "-t", "f32", "-e", "floating-point", "-c", "1", "-"], {
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`sox failed: ${r.stderr.toString()}`);
  const b = r.stdout as Buffer;
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe.skipIf(!hasSox)(`WAV reader vs sherpa-onnx and sox${hasSox ? "" : " (skipped: sox is not installed)"}`, () => {
  it.each([
    ["16-bit mono 16 kHz", 16000, ["-b", "16"]],
    ["16-bit mono 8 kHz", 8000, ["-b", "16"]],
    ["float32 mono 16 kHz", 16000, ["-e", "floating-point", "-b", "32"]],
  ] as const)("matches sherpa-onnx readWave exactly: %s", (label, rate, args) => {
    const path = soxFile(`${label.replace(/\W+/g, "-")}.wav`, rate, 1, [...args]);
    const ours = parseWav(readFileSync(path));
    const theirs = sherpa.readWave(path);
    expect(ours.sampleRate).toBe(theirs.sampleRate);
    expect(ours.samples.length).toBe(theirs.samples.length);
    expect(maxDiff(ours.samples, theirs.samples)).toBe(0);
  });

  it("reads what sox writes to a pipe (length unknown: size fields left at 0x7FFFF000)", () => {
    const raw = spawnSync("sox", [
      "-D",
      "-n",
      "-r",
      "8000",
      "-c",
      "1",
      "-b",
      "16",
      "-t",
      "raw",
      "-",
      "synth",
      "0.5",
      "sine",
      "300",
    ]);
    const piped = spawnSync(
      "sox",
      ["-t", "raw", "-r", "8000", "-e", "signed", "-b", "16", "-c", "1", "-", "-t", "wav", "-"],
      { input: raw.stdout },
    );
    const bytes = piped.stdout as Buffer;
    expect(bytes.readUInt32LE(40)).toBe(0x7ffff000);
    const got = parseWav(bytes, { maxDurationMs: 1000 });
    expect(got.samples.length).toBe(4000);
    expect(got.warnings).toEqual([expect.stringMatching(/data size unknown/)]);
  });

  it.each([
    ["u8", 8000, 1, ["-e", "unsigned-integer", "-b", "8"], 1e-6],
    ["s16 stereo", 16000, 2, ["-b", "16"], 1e-6],
    ["s24", 44100, 1, ["-b", "24"], 1e-6],
    ["s24 stereo", 48000, 2, ["-b", "24"], 1e-6],
    ["s32", 22050, 1, ["-b", "32"], 1e-6],
    ["f32 stereo", 24000, 2, ["-e", "floating-point", "-b", "32"], 1e-6],
    ["f64", 16000, 1, ["-e", "floating-point", "-b", "64"], 1e-6],
    ["mu-law", 8000, 1, ["-e", "u-law"], 1e-6],
    ["A-law stereo", 8000, 2, ["-e", "a-law"], 1e-6],
  ] as const)("matches sox's own decoding: %s", (label, rate, channels, args, tolerance) => {
    const path = soxFile(`${label.replace(/\W+/g, "-")}.wav`, rate, channels, [...args]);
    const ours = parseWav(readFileSync(path));
    const theirs = soxDecode(path);
    expect(ours.sampleRate).toBe(rate);
    expect(ours.channels).toBe(channels);
    expect(ours.warnings).toEqual([]);
    expect(ours.samples.length).toBe(theirs.length);
    expect(maxDiff(ours.samples, theirs)).toBeLessThanOrEqual(tolerance);
  });
});
