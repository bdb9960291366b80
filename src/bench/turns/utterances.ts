import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  decodeMulaw,
  encodeMulaw,
  encodeWav,
  float32ToInt16,
  int16ToFloat32,
  parseWav,
  resample,
} from "../../audio/index.js";
import { ParleyError } from "../../lib/errors.js";
import { CORPUS_VERSION, TURN_CORPUS, type CorpusLine } from "./corpus.js";
import { phonesOf, speakTimed } from "./flite-timing.js";

/** One caller line as the bench plays it: telephone audio and the truth about it. */
export interface TurnUtterance {
  id: string;
  /** The words, without the pause mark. */
  text: string;
  /** Where the mid-sentence pause starts (the end of the word before it) and how long it is; null when spoken straight. */
  pause: { atMs: number; ms: number } | null;
  /** End of the caller's last word, ms into the audio. */
  lastWordEndMs: number;
  durationMs: number;
  /** 8 kHz audio after G.711 mu-law, what arrives from a phone line. */
  samples: Float32Array;
  sampleRate: 8000;
}

/** Silence before the line, and after its last word (enough for any endpoint setting the bench accepts). */
export const LEAD_MS = 300;
export const TAIL_MS = 2200;
const PHONE_RATE = 8000;
const FADE_MS = 5;

interface Meta {
  id: string;
  text: string;
  pause: TurnUtterance["pause"];
  lastWordEndMs: number;
  file: string;
}

/**
 * The corpus, generated once into `<cacheRoot>/turn-utterances-<key>` (flite,
 * then 8 kHz mu-law as a phone line delivers it) and read from there after:
 * the key covers the corpus text, pauses and CORPUS_VERSION. A folder only
 * appears complete (written aside, then renamed).
 */
export function loadTurnCorpus(
  cacheRoot: string,
  o: { limit?: number; onProgress?: (done: number, total: number) => void } = {},
): TurnUtterance[] {
  const lines = TURN_CORPUS.slice(0, o.limit ?? TURN_CORPUS.length);
  const key = createHash("sha256")
    .update(JSON.stringify({ CORPUS_VERSION, lines, LEAD_MS, TAIL_MS }))
    .digest("hex")
    .slice(0, 12);
  const dir = join(cacheRoot, `turn-utterances-${key}`);
  if (!existsSync(join(dir, "corpus.json"))) generate(lines, dir, o.onProgress);
  const metas = JSON.parse(readFileSync(join(dir, "corpus.json"), "utf8")) as Meta[];
  return metas.map((m) => {
    const wav = parseWav(readFileSync(join(dir, m.file)));
    return {
      id: m.id,
      text: m.text,
      pause: m.pause,
      lastWordEndMs: m.lastWordEndMs,
      durationMs: Math.round((wav.samples.length * 1000) / PHONE_RATE),
      samples: wav.samples,
      sampleRate: PHONE_RATE,
    };
  });
}

function generate(lines: readonly CorpusLine[], dir: string, onProgress?: (done: number, total: number) => void): void {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const metas: Meta[] = lines.map((line, i) => {
      const id = String(i + 1).padStart(2, "0");
      const { samples, meta } = renderLine(line, id);
      writeFileSync(join(tmp, meta.file), encodeWav({ channels: [samples], sampleRate: PHONE_RATE }));
      onProgress?.(i + 1, lines.length);
      return meta;
    });
    writeFileSync(join(tmp, "corpus.json"), JSON.stringify(metas, null, 1) + "\n");
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (existsSync(join(dir, "corpus.json"))) return; // another process finished it first
    throw err;
  }
}

/** One line: flite audio, a pause inserted at the word boundary, lead and tail silence, then the phone line. */
export function renderLine(line: CorpusLine, id: string): { samples: Float32Array; meta: Meta } {
  const parts = line.text.split("|").map((p) => p.trim());
  if (parts.length > 2 || parts.some((p) => p === ""))
    throw new ParleyError("bench_corpus_invalid", `corpus line ${id}: at most one '|', between words: ${line.text}`);
  const text = parts.join(" ");
  const speech = speakTimed(text);
  const rate = speech.sampleRate;
  const at = (ms: number) => Math.round((ms * rate) / 1000);
  const lastPhone = speech.phones[speech.phones.length - 1];
  if (!lastPhone)
    throw new ParleyError("bench_corpus_invalid", `corpus line ${id}: flite spoke no phones for '${text}'`);
  let audio = speech.samples;
  let pause: TurnUtterance["pause"] = null;
  let lastWordEndMs = lastPhone.endMs;
  if (parts.length === 2) {
    const ms = line.pauseMs ?? 0;
    if (ms <= 0) throw new ParleyError("bench_corpus_invalid", `corpus line ${id}: a '|' needs pauseMs`);
    const before = phonesOf(parts[0]!);
    const spoken = speech.phones.map((p) => p.phone);
    if (before.some((p, i) => spoken[i] !== p)) {
      throw new ParleyError(
        "bench_corpus_invalid",
        `corpus line ${id}: flite speaks '${parts[0]}' differently inside the sentence; move the '|'`,
      );
    }
    const boundaryMs = speech.phones[before.length - 1]!.endMs;
    audio = insertSilence(audio, at(boundaryMs), at(ms), at(FADE_MS));
    pause = { atMs: LEAD_MS + boundaryMs, ms };
    lastWordEndMs += ms;
  }
  const padded = new Float32Array(at(LEAD_MS) + audio.length + at(TAIL_MS));
  padded.set(audio, at(LEAD_MS));
  const phone = decodeMulaw(encodeMulaw(float32ToInt16(resample(padded, rate, PHONE_RATE))));
  return {
    samples: int16ToFloat32(phone),
    meta: { id, text, pause, lastWordEndMs: Math.round(LEAD_MS + lastWordEndMs), file: `${id}.wav` },
  };
}

/** `samples` with `length` zeros inserted at `at`, the cut faded out and in over `fade` samples (no click). */
function insertSilence(samples: Float32Array, at: number, length: number, fade: number): Float32Array {
  const out = new Float32Array(samples.length + length);
  out.set(samples.subarray(0, at));
  out.set(samples.subarray(at), at + length);
  for (let i = 0; i < fade; i++) {
    const gain = i / fade;
    if (at - 1 - i >= 0) out[at - 1 - i]! *= gain;
    if (at + length + i < out.length) out[at + length + i]! *= gain;
  }
  return out;
}
