import { execFile, execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { encodeWav, parseWav } from "../audio/index.js";
import { ParleyError } from "../lib/errors.js";

const run = promisify(execFile);

/** What the benchmark's callers say, in pieces: messages are 1-5 of them, so lengths vary from ~2 s to ~25 s. */
const SENTENCES = [
  "Hi, this is Alice, about my order.",
  "Hello, this is Bob from the accounts team, I have a question about last month's invoice.",
  "Please call me back when you get a chance, my number is four one five, five five five, zero one two three.",
  "It is urgent, the basement is flooding and water is coming through the ceiling.",
  "I would like to move the delivery to next Tuesday morning if that is possible.",
  "The heater in the office stopped working this morning and it is getting cold.",
  "Could someone send me a quote for replacing the kitchen sink and the taps?",
  "Thanks a lot, have a nice day.",
];

// flite's full-domain voices (awb_time only speaks times); 8 and 16 kHz, so the resampler is exercised too.
const VOICES = ["slt", "kal", "awb", "rms", "kal16"];

export interface SpokenMessage {
  text: string;
  voice: string;
  bytes: Buffer;
  durationMs: number;
}

/** Whether flite runs here; the reason when it does not. */
export function fliteProblem(): string | null {
  try {
    execFileSync("flite", ["-lv"], { stdio: "ignore" });
    return null;
  } catch {
    return "flite is not installed: `parley bench batch` speaks its test voicemails with it (Debian/Ubuntu: apt-get install flite)";
  }
}

/** `count` distinct messages of varied length, spoken by flite into `dir`, two at a time. */
export async function speakMessages(count: number, dir: string): Promise<SpokenMessage[]> {
  const problem = fliteProblem();
  if (problem) throw new ParleyError("flite_missing", problem, { status: 503 });
  const out: SpokenMessage[] = new Array(count);
  let next = 0;
  const speakOne = async (i: number) => {
    const parts = 1 + (i % 5);
    const text = Array.from({ length: parts }, (_, k) => SENTENCES[(i + k * 3) % SENTENCES.length]).join(" ");
    const voice = VOICES[i % VOICES.length] as string;
    const file = join(dir, `message-${i}.wav`);
    await run("flite", ["-voice", voice, "-t", text, "-o", file]);
    const bytes = await readFile(file);
    out[i] = { text, voice, bytes, durationMs: parseWav(bytes).durationMs };
  };
  const lane = async () => {
    for (let i = next++; i < count; i = next++) await speakOne(i);
  };
  await Promise.all([lane(), lane()]);
  return out;
}

/**
 * The same speech with `padMs` of silence appended: different bytes (so a
 * different content hash: not a duplicate upload), the same words. Used to
 * build a backlog of hundreds of messages without hundreds of flite runs.
 */
export function padded(message: SpokenMessage, padMs: number): Buffer {
  const wav = parseWav(message.bytes);
  const extra = Math.round((wav.sampleRate * padMs) / 1000);
  const samples = new Float32Array(wav.samples.length + extra);
  samples.set(wav.samples);
  return encodeWav({ channels: [samples], sampleRate: wav.sampleRate });
}
