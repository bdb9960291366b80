import { describe, expect, it } from "vitest";
import { Speculation } from "../../../src/agent/conversation/speculation.js";
import { TurnBatchHold } from "../../../src/agent/conversation/turn-batch-hold.js";
import type { CallAudio, PlaybackHandle } from "../../../src/agent/conversation/types.js";
import { BatchHolds } from "../../../src/engines/llm/batch-holds.js";
import type { TtsEngine } from "../../../src/engines/types.js";

/** Lets every settled promise's handlers run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** A call's audio that takes whatever is played (a kept reply's held audio goes here). */
const callAudio: CallAudio = {
  frames: (async function* () {})(),
  play(): PlaybackHandle {
    const r = { completed: true, playedSamples: 1, queuedSamples: 1 };
    return { playedSamples: 1, done: Promise.resolve(r), started: Promise.resolve(1) };
  },
  clearPlayback: () => 0,
  playing: false,
};
// The reply's words are never synthesised here: the tests hand its first words' audio over themselves.
const noTts = {} as TtsEngine;
const speculation = (text: string) => new Speculation(text, noTts, callAudio, { speakerId: 0, speed: 1 }, null);

function turnOf(holds: BatchHolds) {
  return new TurnBatchHold(() => holds.hold("call-a"));
}

describe("the conversation's hold on batch work for the caller's turn", () => {
  it("is taken once per pause and ends when the caller goes on", () => {
    const holds = new BatchHolds(3000);
    const turn = turnOf(holds);
    turn.hold();
    turn.hold(); // the early question, then the VAD's pause: one hold
    expect(holds.taken).toBe(1);
    expect(turn.on && holds.held).toBe(true);
    turn.end();
    expect(turn.on || holds.held).toBe(false);
  });

  it("ends when the reply's first words are audio, or cannot be", async () => {
    const holds = new BatchHolds(3000);
    const turn = turnOf(holds);
    turn.hold();
    let audio: (t: number) => void = () => undefined;
    turn.endWhenAudio(new Promise<number>((r) => (audio = r)));
    await settle();
    expect(holds.held).toBe(true); // handed to TTS, not yet audio
    audio(1);
    await settle();
    expect(turn.on || holds.held).toBe(false);

    turn.hold();
    turn.endWhenAudio(Promise.reject(new Error("tts failed")));
    await settle();
    expect(holds.held).toBe(false);
  });

  it("leaves a later pause's hold alone when an earlier reply's words become audio late", async () => {
    const holds = new BatchHolds(3000);
    const turn = turnOf(holds);
    turn.hold();
    let audio: (t: number) => void = () => undefined;
    turn.endWhenAudio(new Promise<number>((r) => (audio = r)));
    turn.end(); // the caller went on (barge-in)
    turn.hold(); // and paused again
    audio(1);
    await settle();
    expect(turn.on && holds.held).toBe(true);
  });

  it("a speculative reply's first words end it only once the reply is kept", async () => {
    const holds = new BatchHolds(3000);
    const turn = turnOf(holds);
    turn.hold();
    // The reply started at the pause got as far as its first words; then the recogniser's words changed.
    const replaced = speculation("hello");
    replaced.firstWords(Promise.resolve(1));
    replaced.discard();
    await settle();
    expect(holds.held).toBe(true); // its words are never heard, and the reply that replaces it needs the cores
    // The new reply is kept before its first words are out, and they end the hold once audio.
    const kept = speculation("hello there");
    kept.keep();
    turn.endWhenAudio(kept.firstWordsHeard);
    await settle();
    expect(holds.held).toBe(true);
    kept.firstWords(Promise.resolve(2));
    await settle();
    expect(holds.held).toBe(false);
  });

  it("a speculative reply whose first words were audio before it was kept ends it when kept", async () => {
    const holds = new BatchHolds(3000);
    const turn = turnOf(holds);
    turn.hold();
    const spec = speculation("hello there");
    spec.firstWords(Promise.resolve(1));
    turn.endWhenAudio(spec.firstWordsHeard);
    await settle();
    expect(holds.held).toBe(true); // made and held, not heard: the turn is not decided yet
    spec.keep();
    await settle();
    expect(holds.held).toBe(false);
  });
});
