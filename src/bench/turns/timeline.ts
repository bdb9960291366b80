import { VoicedEndTracker } from "../../agent/turn-taking/voiced-end.js";
import type { Pause } from "../../agent/turn-taking/pause-plan.js";
import type { VadEngine, VadEvent } from "../../engines/types.js";
import type { TurnUtterance } from "./utterances.js";

/** A pause as the listener would have seen it, and when the caller was heard again. */
export interface HeardPause extends Pause {
  /**
   * When the silence deadline stops standing, the caller heard again (audio ms): the VAD's next speech start, or for
   * the early detector's pauses its "resume" when that is sooner (the listener's rule). Infinity: never.
   */
  resumedAtMs: number;
  /**
   * When a call would know the caller's voice is back, which drops the turn model's verdict: the early-silence
   * detector's "resume", or a voiced frame after the pause (the listener's own check). At most `resumedAtMs`.
   */
  voiceBackAtMs: number;
}

/** An utterance's pauses: as a call without a turn model hears them, and as one with it does. */
export interface HeardPauses {
  /** The VAD's own segments (its minimum silence and speech): what the silence deadline counts from. */
  silence: HeardPause[];
  /** The early-silence detector's pauses (`pauseMs`), where a call asks the turn model. */
  early: HeardPause[];
}

const FRAME_MS = 20;

/**
 * Streams one utterance through the VAD in 20 ms frames (as RTP delivers
 * it), opened as a live call opens it, and returns its pauses on the audio
 * clock. Frames go in as fast as the VAD takes them: every event carries the
 * audio position it was decided at, so the timeline is what a caller in real
 * time would produce, without waiting for it. The voiced end of each pause
 * comes from the same frames, replayed in order up to the moment the VAD
 * reported it (as the listener does).
 */
export async function pausesOf(
  u: TurnUtterance,
  vad: VadEngine,
  pauseMs: number,
  signal: AbortSignal,
): Promise<HeardPauses> {
  const frame = (u.sampleRate * FRAME_MS) / 1000;
  const stream = vad.open({ signal, inputRate: u.sampleRate, pauseMs });
  const events: VadEvent[] = [];
  const reading = (async () => {
    for await (const e of stream) events.push(e);
  })();
  for (let i = 0; i < u.samples.length; i += frame) stream.push(u.samples.slice(i, i + frame));
  stream.end();
  await reading;

  const tracker = new VoicedEndTracker();
  const silence: HeardPause[] = [];
  const early: HeardPause[] = [];
  let quiet = null as HeardPause | null; // the early pause the caller has not come back from
  let next = 0;
  const heard = (silenceFromMs: number, knownAtMs: number): HeardPause => ({
    silenceFromMs,
    knownAtMs,
    resumedAtMs: Infinity,
    voiceBackAtMs: Infinity,
  });
  const handle = (e: VadEvent) => {
    if (e.type === "pause") {
      if (quiet) return;
      quiet = heard(tracker.voicedEnd(e.endMs), e.atMs);
      early.push(quiet);
    } else if (e.type === "resume") {
      if (!quiet) return;
      // The listener drops the verdict, and the silence deadline too when the VAD's segment had ended (it has not
      // heard the caller yet): the next pause is the early detector's next one.
      quiet.voiceBackAtMs = Math.min(quiet.voiceBackAtMs, e.atMs);
      quiet.resumedAtMs = Math.min(quiet.resumedAtMs, e.atMs);
      quiet = null;
    } else if (e.type === "speech-start") {
      tracker.speechStarted();
      const open = silence[silence.length - 1];
      if (open && open.resumedAtMs === Infinity) open.resumedAtMs = open.voiceBackAtMs = e.atMs;
      if (quiet) {
        quiet.resumedAtMs = e.atMs;
        quiet.voiceBackAtMs = Math.min(quiet.voiceBackAtMs, e.atMs);
        quiet = null;
      }
    } else {
      const pause = heard(tracker.voicedEnd(e.endMs), e.atMs);
      silence.push(pause);
      if (!quiet) early.push(pause); // no early pause before it: the listener asks the model at the speech-end
    }
  };
  for (let i = 0; i < u.samples.length; i += frame) {
    tracker.push(u.samples.subarray(i, i + frame), u.sampleRate);
    if (quiet && tracker.lastVoicedAtMs > quiet.silenceFromMs)
      quiet.voiceBackAtMs = Math.min(quiet.voiceBackAtMs, tracker.lastVoicedAtMs);
    while (next < events.length && events[next]!.atMs <= tracker.positionMs) handle(events[next++]!);
  }
  while (next < events.length) handle(events[next++]!);
  return { silence, early };
}
