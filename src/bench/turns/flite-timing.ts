import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseWav } from "../../audio/index.js";
import { ParleyError } from "../../lib/errors.js";

/** A phone flite spoke and when it ended (ms from the start of the audio). */
export interface TimedPhone {
  phone: string;
  endMs: number;
}

/** flite's speech with the end time of each spoken phone (`-psdur`): the ground truth of when words end. */
export interface TimedSpeech {
  samples: Float32Array;
  sampleRate: number;
  /** The phones that are not pauses, in order. */
  phones: TimedPhone[];
}

const VOICE = "slt";

/** Speaks `text` with flite's slt voice (16 kHz). Throws `bench_needs_flite` when flite is missing or fails. */
export function speakTimed(text: string): TimedSpeech {
  const dir = mkdtempSync(join(tmpdir(), "parley-turn-speech-"));
  try {
    const file = join(dir, "line.wav");
    const timing = flite(text, file);
    const wav = parseWav(readFileSync(file));
    return { samples: wav.samples, sampleRate: wav.sampleRate, phones: spokenPhones(timing) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `pau:0.209 ay:0.326 ...` -> the phones that are not pauses, with their end times in ms. */
export function spokenPhones(psdur: string): TimedPhone[] {
  const phones: TimedPhone[] = [];
  for (const item of psdur.trim().split(/\s+/)) {
    const [phone, end] = item.split(":");
    if (!phone || end === undefined || end === "" || !Number.isFinite(Number(end)))
      throw new ParleyError("bench_flite_output", `unexpected flite -psdur item '${item}'`);
    if (phone !== "pau") phones.push({ phone, endMs: Number(end) * 1000 });
  }
  return phones;
}

/** The phones flite speaks for `text` alone (no audio written). */
export function phonesOf(text: string): string[] {
  return spokenPhones(flite(text, "none")).map((p) => p.phone);
}

function flite(text: string, out: string): string {
  try {
    return execFileSync("flite", ["-voice", VOICE, "-psdur", "-t", text, "-o", out], { encoding: "utf8" });
  } catch (err) {
    throw new ParleyError(
      "bench_needs_flite",
      `parley bench turns speaks its callers with flite (apt-get install flite): ${(err as Error).message}`,
    );
  }
}
