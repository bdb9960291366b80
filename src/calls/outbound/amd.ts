import { int16ToFloat32, type Frame } from "../../audio/index.js";
import type { StreamingAsr, VadEngine } from "../../engines/types.js";
import { BeepDetector } from "./beep.js";

export type AmdVerdict = "human" | "machine" | "unknown";

export interface AmdResult {
  verdict: AmdVerdict;
  /** Length of the answering party's first speech (a person says "Hello?"; a machine talks on). */
  greetingMs: number;
  reason: string;
  /** Machine only: whether its beep was heard (else we waited for the greeting to end). */
  beep?: boolean;
}

export interface AmdOptions {
  /** Longest we listen before deciding. */
  maxMs: number;
  /** Speech longer than this, with no real pause, is a recorded greeting. */
  machineSpeechMs: number;
  /** A short utterance followed by this much silence is a person waiting for us. */
  humanSilenceMs: number;
  /** Nothing at all for this long: unknown (treated as a person, who hears the message). */
  silenceMs: number;
}

export const DEFAULT_AMD: AmdOptions = { maxMs: 5000, machineSpeechMs: 2400, humanSilenceMs: 800, silenceMs: 3000 };

const MACHINE_WORDS =
  /\b(leave (a|your) message|after the (tone|beep)|not available|can't take your call|cannot take your call|voicemail|voice mail|you have reached|you've reached|mailbox)\b/i;

/**
 * Answering-machine detection on local models: speech cadence from the VAD
 * (a person answers with a short "Hello?" then waits; a machine plays a long
 * greeting), greeting words from streaming ASR when a real recogniser is
 * loaded, and the beep. Reads frames until it can decide.
 */
export async function detectAnsweringMachine(
  frames: AsyncIterator<Frame>,
  vad: VadEngine,
  asr: StreamingAsr,
  o: AmdOptions,
  signal: AbortSignal,
): Promise<AmdResult> {
  const vadStream = vad.open({ signal, inputRate: 8000 });
  const asrStream = asr.open({ signal });
  const beep = new BeepDetector();
  let audioMs = 0;
  let speechStart: number | null = null;
  let speechEnd: number | null = null;
  let speechMs = 0;
  let words = "";
  const vadDone = (async () => {
    for await (const e of vadStream) {
      if (e.type === "speech-start") {
        speechStart ??= e.atMs;
        speechEnd = null;
      } else if (e.type === "speech-end") {
        speechMs += e.endMs - e.startMs;
        speechEnd = e.endMs;
      }
    }
  })();
  const asrDone = (async () => {
    for await (const e of asrStream) if (e.type === "partial" || e.type === "final") words = e.text;
  })();
  try {
    while (audioMs < o.maxMs && !signal.aborted) {
      const r = await frames.next();
      if (r.done) break;
      const samples = int16ToFloat32(r.value.pcm);
      asrStream.push({ samples, sampleRate: 8000 });
      vadStream.push(samples);
      audioMs += 20;
      if (beep.push(r.value.pcm)) return { verdict: "machine", greetingMs: audioMs, reason: "a beep", beep: true };
      if (MACHINE_WORDS.test(words))
        return {
          verdict: "machine",
          greetingMs: audioMs - (speechStart ?? 0),
          reason: `greeting words: "${words.slice(0, 60)}"`,
        };
      const talking = speechStart !== null && speechEnd === null ? audioMs - speechStart : 0;
      if (speechMs + talking > o.machineSpeechMs)
        return { verdict: "machine", greetingMs: speechMs + talking, reason: "a long greeting" };
      if (speechEnd !== null && audioMs - speechEnd >= o.humanSilenceMs)
        return { verdict: "human", greetingMs: speechMs, reason: "a short greeting, then silence" };
      if (speechStart === null && audioMs >= o.silenceMs)
        return { verdict: "unknown", greetingMs: 0, reason: "silence" };
    }
    return { verdict: speechMs > 0 ? "human" : "unknown", greetingMs: speechMs, reason: "no decision in time" };
  } finally {
    vadStream.close();
    asrStream.close();
    await Promise.allSettled([vadDone, asrDone]);
  }
}

/** After a machine verdict without a beep: waits for the beep or the greeting's end (silence), so the message is recorded whole. */
export async function waitForRecording(
  frames: AsyncIterator<Frame>,
  o: { silenceMs: number; maxMs: number },
  signal: AbortSignal,
): Promise<"beep" | "silence" | "timeout"> {
  const beep = new BeepDetector();
  let quietMs = 0;
  for (let ms = 0; ms < o.maxMs && !signal.aborted; ms += 20) {
    const r = await frames.next();
    if (r.done) return "timeout";
    if (beep.push(r.value.pcm)) return "beep";
    const loud = r.value.pcm.some((v) => Math.abs(v) > 1000);
    quietMs = loud ? 0 : quietMs + 20;
    if (quietMs >= o.silenceMs) return "silence";
  }
  return "timeout";
}
