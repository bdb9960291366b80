import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Listener, type Utterance } from "../../../src/agent/conversation/listener.js";
import type { Frame } from "../../../src/audio/index.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { StreamingAsr, TurnDetector, VadEngine } from "../../../src/engines/types.js";
import { silencePcm, wait, wavTo8k } from "../../helpers/line.js";
import { generatedModel, sileroRef, testConfig } from "../../helpers/models.js";
import { fliteMissing, speechWav } from "../../helpers/speech.js";
import { concatPcm } from "../../helpers/audio.js";

/**
 * The turn model asked at the early silence: the VAD's early-silence
 * detector (100 ms) reports the pause long before the VAD's own segment ends
 * (its minimum silence is 3 s here), so a turn the model calls complete
 * ends before the VAD's speech-end, and a caller who goes on before the
 * question is asked is not cut off. tiny-turn calls a turn complete once it
 * has heard 1.5 s of speech. What happened is read from the order of the
 * listener's events and the audio fed so far, never from timings.
 */
describe.skipIf(fliteMissing)("listener: the turn model asked at the early silence", () => {
  let vad: VadEngine;
  let slowStartVad: VadEngine;
  let asr: StreamingAsr;
  let scriptAsr: StreamingAsr;
  let turn: TurnDetector;
  let sentence: Int16Array;
  let more: Int16Array;
  let shortAnswer: Int16Array;

  beforeAll(async () => {
    const config = testConfig({ engines: { vad: { minSilenceMs: 3000 } } });
    vad = await createEngine("vad", sileroRef(), config);
    // A segment starts only after 500 ms of speech: a short answer after a pause is never the VAD's speech.
    slowStartVad = await createEngine(
      "vad",
      sileroRef(),
      testConfig({ engines: { vad: { minSilenceMs: 300, minSpeechMs: 500 } } }),
    );
    // Two words, both out long before the sentence ends, and no recogniser endpoint: text is in hand at any pause.
    asr = await createEngine(
      "asr-streaming",
      await generatedModel("tiny-asr-streaming", { words: ["hello", "there"] }, "-hello-there"),
      testConfig({ engines: { asr: { endpointIdleMs: 20_000 } } }),
    );
    // The whole script (a word per loud 300 ms chunk, decoded a chunk behind the audio): the last words come after
    // the pause began.
    scriptAsr = await createEngine(
      "asr-streaming",
      await generatedModel("tiny-asr-streaming"),
      testConfig({ engines: { asr: { endpointIdleMs: 20_000 } } }),
    );
    turn = await createEngine("turn", await generatedModel("tiny-turn"), config);
    // flite leads and trails its speech with silence: trimmed, so the silences below are the ones between words.
    sentence = trimmed(wavTo8k(speechWav("Hello, I would like to book a table for two tomorrow.")));
    more = trimmed(wavTo8k(speechWav("And a quiet one near the window, please.")));
    shortAnswer = trimmed(wavTo8k(speechWav("Yes.")));
  }, 240_000);
  afterAll(async () => Promise.all([vad, slowStartVad, asr, scriptAsr, turn].map((e) => e?.dispose())));

  /** Feeds the audio in real time (20 ms frames on a fixed schedule) and records what the listener reported. */
  async function listen(
    audio: Int16Array,
    askAfterMs: number,
    earlyPauseMs: number,
    o: { threshold?: number; recogniser?: StreamingAsr; vad?: VadEngine; endpointSilenceMs?: number } = {},
  ) {
    const events: string[] = [];
    const utterances: (Utterance & { fedMs: number; questionsBefore: number })[] = [];
    let fedMs = 0;
    const listener = new Listener(
      o.vad ?? vad,
      o.recogniser ?? asr,
      {
        endpointSilenceMs: o.endpointSilenceMs ?? 5000,
        turnModel: { detector: turn, askAfterMs, earlyPauseMs, threshold: o.threshold ?? 0.5 },
        echoMarginDb: 15,
        agentLevel: () => ({ playing: false, levelDb: -120 }),
      },
      {
        speechStart: () => events.push("speech-start"),
        speechEnd: () => events.push("speech-end"),
        text: () => undefined,
        pause: (text, early) => events.push(`${early ? "early-pause" : "pause"}:${text}`),
        resume: () => events.push("resume"),
        utterance: (u) => {
          events.push("utterance");
          utterances.push({ ...u, fedMs, questionsBefore: listener.modelQuestions });
        },
      },
    );
    async function* frames(): AsyncGenerator<Frame> {
      const start = performance.now();
      for (let i = 0; i < audio.length; i += 160) {
        yield { pcm: audio.slice(i, i + 160), sampleRate: 8000, ptsMs: fedMs };
        fedMs += 20;
        await wait(Math.max(0, start + fedMs - performance.now()));
      }
    }
    await listener.run(frames(), new AbortController().signal);
    return { events, utterances, earlyPauses: listener.earlyPauses, modelQuestions: listener.modelQuestions };
  }

  it("ends a finished sentence on the verdict asked at the early silence, before the VAD's own end of speech", async () => {
    const r = await listen(concatPcm(sentence, silencePcm(3500)), 150, 100);
    expect(r.utterances).toHaveLength(1);
    const u = r.utterances[0]!;
    expect(u.by).toBe("model");
    expect(u.model?.early).toBe(true);
    expect(r.earlyPauses).toBeGreaterThan(0);
    // The VAD's segment ended (3 s of silence) after the turn was already taken, and asked nothing more: the
    // recogniser's endpoint after the turn's finalize does not make that pause a new one.
    expect(r.events.indexOf("utterance")).toBeLessThan(r.events.lastIndexOf("speech-end"));
    expect(r.modelQuestions).toBe(u.questionsBefore);
  }, 60_000);

  it("asks the model ahead by the time its predictions take, and still ends the turn no sooner than askAfterMs", async () => {
    // A prediction first, so the detector knows how long one takes (a server's warm-up does this at start).
    const window = new Float32Array((turn.sampleRate * turn.windowMs) / 1000);
    await turn.predict({ samples: window, sampleRate: turn.sampleRate }, { signal: AbortSignal.timeout(30_000) });
    expect(turn.recentMs).toBeGreaterThan(0);
    const r = await listen(concatPcm(sentence, silencePcm(3500)), 300, 100);
    expect(r.utterances).toHaveLength(1);
    const u = r.utterances[0]!;
    expect(u.by).toBe("model");
    // Asked before 300 ms of silence, on the pause made up to 300 ms; decided once it had really lasted that long.
    expect(u.model!.askedAfterMs).toBeLessThan(300);
    expect(u.model!.askedAfterMs).toBeGreaterThanOrEqual(200); // at most MAX_ASK_LEAD_MS ahead
    expect(u.decidedAt - u.speechEndAt).toBeGreaterThanOrEqual(299); // timers may fire a millisecond early
  }, 60_000);

  it("control: without the early-silence detector the model is asked only at the VAD's end of speech", async () => {
    // The VAD's end of speech after 3 s of silence, the deadline at 5 s: the verdict has 2 s to arrive in.
    const r = await listen(concatPcm(sentence, silencePcm(4800)), 150, 0);
    expect(r.utterances).toHaveLength(1);
    expect(r.utterances[0]!.by).toBe("model");
    expect(r.utterances[0]!.model?.early).toBe(false);
    expect(r.earlyPauses).toBe(0);
    expect(r.events.indexOf("speech-end")).toBeLessThan(r.events.indexOf("utterance"));
  }, 60_000);

  it("drops the early question when the caller goes on before it is asked: one turn, after the second part", async () => {
    // 250 ms between the parts: the early detector hears the pause, the model is to be asked 400 ms after the last
    // word, and the caller is back first (heard by the early detector, and by the listener's own voice tracker
    // should the detector's worker lag). tiny-turn would have called the first part complete (it is over 1.5 s).
    const firstPartMs = ((sentence.length + 2000) * 1000) / 8000;
    const r = await listen(concatPcm(sentence, silencePcm(250), more, silencePcm(3500)), 400, 100);
    expect(r.earlyPauses).toBeGreaterThan(1);
    expect(r.utterances).toHaveLength(1);
    expect(r.utterances[0]!.fedMs).toBeGreaterThan(firstPartMs + 500);
    expect(r.utterances[0]!.by).toBe("model");
  }, 60_000);

  it("offers the words at the early question for a reply, and again each time the recogniser's words change", async () => {
    // The model never says complete (threshold above 1), so the turn is decided by the silence deadline 5 s after
    // the last word: the whole pause is heard, and every word the recogniser adds in it.
    const r = await listen(concatPcm(sentence, silencePcm(5500)), 150, 50, { threshold: 1.1, recogniser: scriptAsr });
    expect(r.utterances).toHaveLength(1);
    const u = r.utterances[0]!;
    expect(u.by).toBe("vad");
    // The offers in the last pause: after the caller last went on (a pause mid-sentence, "Hello, ...", is offered
    // too, and withdrawn by a resume), before the VAD's own end of speech (3 s of silence), which offers once more.
    const vadEnd = r.events.indexOf("speech-end");
    expect(vadEnd).toBeGreaterThan(0);
    const from = r.events.lastIndexOf("resume", vadEnd) + 1;
    const offers = r.events.slice(from, vadEnd).flatMap((e) => (e.startsWith("early-pause:") ? [e.slice(12)] : []));
    // The recogniser decodes a chunk behind the audio: its last word came after the question, and was offered anew.
    expect(offers.length).toBeGreaterThan(1);
    for (let k = 1; k < offers.length; k++) expect(offers[k]).not.toBe(offers[k - 1]);
    // The reply started on the last offer has the turn's words: it is the one kept.
    expect(offers.at(-1)).toBe(u.text);
    expect(r.events.slice(vadEnd)).toEqual(["speech-end", `pause:${u.text}`, "utterance"]);
  }, 60_000);

  it("does not take the turn while the caller speaks again unheard by the VAD: silence counts from their new words", async () => {
    // The model never says complete (threshold 1): the silence deadline, 1 s, decides. After the sentence the VAD's
    // segment ends; 600 ms later the caller says "Yes.", too short for this VAD to start a segment. The early-silence
    // detector hears it: the deadline set after the sentence must not take the turn; the silence after "Yes." does.
    const sentenceMs = (sentence.length * 1000) / 8000;
    const answerEndMs = sentenceMs + 600 + (shortAnswer.length * 1000) / 8000;
    const r = await listen(concatPcm(sentence, silencePcm(600), shortAnswer, silencePcm(2500)), 200, 50, {
      vad: slowStartVad,
      endpointSilenceMs: 1000,
      threshold: 1,
    });
    expect(r.events.filter((e) => e === "speech-start")).toHaveLength(1); // the VAD never heard the answer
    expect(r.events).toContain("resume");
    expect(r.utterances).toHaveLength(1);
    expect(r.utterances[0]!.by).toBe("vad");
    // A second of silence after the answer (less its soft end); the deadline of the pause before it came ~900 ms
    // sooner, about when the answer ended.
    expect(r.utterances[0]!.fedMs).toBeGreaterThan(answerEndMs + 600);
  }, 60_000);
});

function trimmed(pcm: Int16Array): Int16Array {
  const loud = (x: number) => Math.abs(x) > 300;
  const first = pcm.findIndex(loud);
  const last = pcm.findLastIndex(loud);
  return first < 0 ? pcm : pcm.slice(first, last + 1);
}
