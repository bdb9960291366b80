import { VoicedEndTracker } from "../../agent/turn-taking/voiced-end.js";
import type { Pause } from "../../agent/turn-taking/pause-plan.js";
import type { VadEngine, VadEvent } from "../../engines/types.js";
import type { TurnUtterance } from "./utterances.js";

/** A pause as the listener would have seen it, and when the caller was heard again. */
export interface HeardPause extends Pause {
  /** The next speech-start (audio ms), Infinity when the caller never spoke again. */
  resumedAtMs: number;
}

const FRAME_MS = 20;

/**
 * Streams one utterance through the VAD in 20 ms frames (as RTP delivers
 * it) and returns its pauses on the audio clock. Frames go in as fast as the
 * VAD takes them: every event carries the audio position it was decided at,
 * so the timeline is what a caller in real time would produce, without
 * waiting for it. The voiced end of each pause comes from the same frames,
 * replayed in order up to the moment the VAD reported it.
 */
export async function pausesOf(u: TurnUtterance, vad: VadEngine, signal: AbortSignal): Promise<HeardPause[]> {
  const frame = (u.sampleRate * FRAME_MS) / 1000;
  const stream = vad.open({ signal, inputRate: u.sampleRate });
  const events: VadEvent[] = [];
  const reading = (async () => {
    for await (const e of stream) events.push(e);
  })();
  for (let i = 0; i < u.samples.length; i += frame) stream.push(u.samples.slice(i, i + frame));
  stream.end();
  await reading;

  const tracker = new VoicedEndTracker();
  const pauses: HeardPause[] = [];
  let next = 0;
  const handle = (e: VadEvent) => {
    if (e.type === "speech-start") {
      tracker.speechStarted();
      const open = pauses[pauses.length - 1];
      if (open && open.resumedAtMs === Infinity) open.resumedAtMs = e.atMs;
    } else if (e.type === "speech-end") {
      pauses.push({ silenceFromMs: tracker.voicedEnd(e.endMs), knownAtMs: e.atMs, resumedAtMs: Infinity });
    }
  };
  for (let i = 0; i < u.samples.length; i += frame) {
    tracker.push(u.samples.subarray(i, i + frame), u.sampleRate);
    while (next < events.length && eventAt(events[next]!) <= tracker.positionMs) handle(events[next++]!);
  }
  while (next < events.length) handle(events[next++]!);
  return pauses;
}

function eventAt(e: VadEvent): number {
  return e.atMs;
}
