import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { float32ToInt16, parseWav, Resampler } from "../audio/index.js";
import { ParleyError } from "../lib/errors.js";

/** A line spoken by flite, as 8 kHz PCM16: what a benchmark's caller says on the phone. */
export function fliteSpeech(text: string): Int16Array {
  const dir = mkdtempSync(join(tmpdir(), "parley-bench-speech-"));
  try {
    const file = join(dir, "line.wav");
    execFileSync("flite", ["-voice", "slt", "-t", text, "-o", file]);
    const w = parseWav(readFileSync(file));
    return float32ToInt16(new Resampler(w.sampleRate, 8000).process(w.samples));
  } catch (err) {
    throw new ParleyError(
      "bench_needs_flite",
      `parley bench speaks its callers with flite (apt-get install flite): ${(err as Error).message}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
