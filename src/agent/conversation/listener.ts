import { int16ToFloat32, rmsDbfs, type Frame } from "../../audio/index.js";
import type { AsrEvent, StreamingAsr, TurnDetector, TurnPrediction, VadEngine, VadEvent } from "../../engines/types.js";
import { isAbortError } from "../../lib/errors.js";
import { TurnAudio } from "../turn-taking/turn-audio.js";
import { VoicedEndTracker } from "../turn-taking/voiced-end.js";

/**
 * What ended a turn: the silence deadline after the VAD's speech end ("vad"),
 * the recogniser's own endpoint ("asr"), the turn model's verdict ("model"),
 * or keypad digits ("dtmf", from the conversation).
 */
export type TurnEndRule = "vad" | "asr" | "model" | "dtmf";

/** A finished caller utterance, with the timings the latency breakdown needs (performance.now() times). */
export interface Utterance {
  text: string;
  /** When the caller's last word ended (estimated from the VAD's segment end). */
  speechEndAt: number;
  /** When we decided the turn was over. */
  decidedAt: number;
  /** When the recogniser had the text we used. */
  textAt: number;
  /** What ended it. */
  by: TurnEndRule;
  /** The turn model's last verdict in this pause, when it was asked. */
  model?: { probability: number; ms: number };
  /** Set by the conversation: whether the reply started on the interim transcript was kept, and how many were not. */
  speculation?: { kept: boolean; discarded: number };
}

/**
 * Words the recogniser delivers this long after a turn was taken, before the
 * caller speaks again, are the end of that turn (the recogniser decodes a
 * little behind the audio, and a turn model can end a turn before it has
 * caught up), not a new turn.
 */
const LATE_WORDS_MS = 1000;

export interface ListenerHandlers {
  speechStart(at: number): void;
  speechEnd(at: number): void;
  /** The recogniser's current text for the utterance in progress (unconsumed part). */
  text(text: string): void;
  utterance(u: Utterance): void;
  /** The caller paused (VAD speech end) with this text in hand: a reply may start on it (speculation). */
  pause?(text: string): void;
  /** Words that came in after their turn was taken (see LATE_WORDS_MS). */
  lateText?(text: string): void;
  /** The turn model failed (the pause is decided by silence); reported once per listener. */
  modelError?(err: unknown): void;
}

/** The turn model as one call uses it. */
export interface ListenerTurnModel {
  detector: TurnDetector;
  /** Silence after the caller's last word before it is asked. */
  askAfterMs: number;
  /** P(complete) above this ends the turn. */
  threshold: number;
}

export interface ListenerOptions {
  /** Trailing silence that ends a turn when nothing ends it sooner. */
  endpointSilenceMs: number;
  /** Asked whether the caller finished after a short silence; null or absent: silence alone. */
  turnModel?: ListenerTurnModel | null;
  /** Caller audio this far below the agent's own level, while the agent plays, is taken as echo. */
  echoMarginDb: number;
  /** The agent's current playback level, and whether it is playing. */
  agentLevel: () => { playing: boolean; levelDb: number };
  /** How long frames were held before they reached us (the jitter buffer's delay), in ms. */
  inputDelayMs?: () => number;
}

/**
 * Hears the caller: feeds VAD (at its rate) and streaming ASR (at 8 kHz; the
 * recogniser resamples) from the call's frames, and decides when the caller
 * has finished. A turn ends at whichever comes first: `endpointSilenceMs` of
 * silence after VAD speech with text in hand, the turn model's "complete"
 * (asked `askAfterMs` into the silence, see turn-taking/pause-plan.ts), or the
 * recogniser's endpoint. The model runs in worker threads: nothing of it
 * blocks the event loop that paces RTP.
 * Frames that look like our own audio coming back (echo) are replaced with
 * silence, so the agent never answers itself.
 */
export class Listener {
  private audioMs = 0;
  private current = "";
  private consumed = "";
  private textAt = 0;
  private speaking = false;
  private speechEndAt = 0;
  private readonly voiced = new VoicedEndTracker();
  private readonly turnAudio: TurnAudio | null;
  /** The silence deadline and the turn model's ask, for the pause in progress. */
  private timer: NodeJS.Timeout | null = null;
  private askTimer: NodeJS.Timeout | null = null;
  private prediction: AbortController | null = null;
  private verdict: TurnPrediction | null = null;
  /** The model said "complete" in this pause before the recogniser had words: the first words end the turn. */
  private verdictComplete = false;
  /** Counts pauses (and what ends them), so a verdict that arrives after its pause is dropped. */
  private pauseSeq = 0;
  /** When the last turn was taken, while the caller has not spoken since (late words join it). */
  private takenAt: number | null = null;
  private modelFailed = false;
  echoFrames = 0;

  constructor(
    private readonly vad: VadEngine,
    private readonly asr: StreamingAsr,
    private readonly o: ListenerOptions,
    private readonly on: ListenerHandlers,
  ) {
    const model = o.turnModel;
    this.turnAudio = model ? new TurnAudio(8000, model.detector.windowMs) : null;
  }

  /** Runs until the frames end or the signal fires. */
  async run(frames: AsyncIterable<Frame>, signal: AbortSignal): Promise<void> {
    const vadStream = this.vad.open({ signal, inputRate: 8000 });
    const asrStream = this.asr.open({ signal });
    const vadDone = (async () => {
      for await (const e of vadStream) this.onVad(e);
    })();
    const asrDone = (async () => {
      for await (const e of asrStream) this.onAsr(e);
    })();
    // A caller who sends no RTP (hold, a silent far end) must not keep us waiting for a frame after the end.
    const it = frames[Symbol.asyncIterator]();
    const stop = () => void it.return?.();
    signal.addEventListener("abort", stop, { once: true });
    try {
      for (;;) {
        const next = await it.next();
        if (next.done || signal.aborted) break;
        const frame = next.value;
        const samples = int16ToFloat32(frame.pcm);
        if (this.isEcho(samples)) samples.fill(0);
        asrStream.push({ samples, sampleRate: frame.sampleRate });
        vadStream.push(samples);
        this.audioMs += (frame.pcm.length * 1000) / frame.sampleRate;
        this.voiced.push(samples, frame.sampleRate);
        this.turnAudio?.push(samples);
      }
    } finally {
      signal.removeEventListener("abort", stop);
      this.clearTimers();
      vadStream.close();
      asrStream.close();
      await Promise.allSettled([vadDone, asrDone]);
    }
  }

  /** Text heard but not yet used as a turn (barge-in decisions look at it). */
  get pendingText(): string {
    return this.unconsumed(this.current);
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  private isEcho(samples: Float32Array): boolean {
    const agent = this.o.agentLevel();
    if (!agent.playing) return false;
    const echo = rmsDbfs(samples) < agent.levelDb - this.o.echoMarginDb;
    if (echo) this.echoFrames++;
    return echo;
  }

  private onVad(e: VadEvent): void {
    const now = performance.now();
    if (e.type === "speech-start") {
      this.speaking = true;
      this.takenAt = null;
      this.voiced.speechStarted();
      this.clearTimers();
      this.on.speechStart(now);
      return;
    }
    this.speaking = false;
    const seq = ++this.pauseSeq;
    // The segment ended endMs into the audio; we are audioMs in, so it ended (audioMs - endMs) ago on our side,
    // and the jitter buffer held that audio a little longer before we saw it. Endpoint silence counts from the
    // caller's real last word (wire time), so the buffer's delay is not added to every turn.
    const voicedEndMs = this.voiced.voicedEnd(e.endMs);
    this.speechEndAt = now - Math.max(0, this.audioMs - voicedEndMs) - (this.o.inputDelayMs?.() ?? 0);
    this.on.speechEnd(this.speechEndAt);
    this.clearTimers();
    const deadline = this.speechEndAt + this.o.endpointSilenceMs;
    this.timer = setTimeout(() => this.decide("vad"), Math.max(0, deadline - now));
    const model = this.o.turnModel;
    if (model && !this.modelFailed) {
      // The rule of pause-plan.ts on the wall clock: asked askAfterMs after the last word, never before the VAD
      // reported the pause, and only when that is before the silence deadline.
      const askAt = Math.max(this.speechEndAt + model.askAfterMs, now);
      if (askAt < deadline) this.askTimer = setTimeout(() => void this.ask(model, seq), askAt - now);
    }
    const text = this.pendingText;
    if (text) this.on.pause?.(text);
  }

  /** Asks the turn model about the turn's audio so far; a "complete" that is still current ends the turn. */
  private async ask(model: ListenerTurnModel, seq: number): Promise<void> {
    this.askTimer = null;
    if (!this.turnAudio) return;
    const controller = new AbortController();
    this.prediction = controller;
    try {
      const p = await model.detector.predict(
        { samples: this.turnAudio.snapshot(), sampleRate: this.turnAudio.sampleRate },
        { signal: controller.signal },
      );
      if (seq !== this.pauseSeq || controller.signal.aborted) return; // the caller spoke, or the turn was taken
      this.verdict = p;
      this.verdictComplete = p.probability > model.threshold;
      if (this.verdictComplete) this.decide("model");
    } catch (err) {
      if (controller.signal.aborted || isAbortError(err)) return;
      // The silence deadline still stands for this pause; later pauses go by silence alone.
      this.modelFailed = true;
      this.on.modelError?.(err);
    } finally {
      if (this.prediction === controller) this.prediction = null;
    }
  }

  private onAsr(e: AsrEvent): void {
    if (e.type === "partial") {
      this.current = e.text;
      if (this.absorbLateWords()) return;
      this.textAt = performance.now();
      const pending = this.pendingText;
      if (pending) this.on.text(pending);
      if (pending && this.verdictComplete && !this.speaking) this.decide("model");
    } else if (e.type === "final") {
      this.current = e.text;
      if (this.absorbLateWords()) return;
      this.textAt = performance.now();
      if (!this.speaking) this.decide("asr");
    } else {
      // The recogniser starts a fresh utterance after its endpoint: what it hears next is new speech.
      this.current = "";
      this.consumed = "";
      this.takenAt = null;
    }
  }

  /** Words for the turn just taken (see LATE_WORDS_MS): they join it instead of starting another. */
  private absorbLateWords(): boolean {
    if (this.takenAt === null || this.speaking) return false;
    if (performance.now() - this.takenAt > LATE_WORDS_MS) {
      this.takenAt = null;
      return false;
    }
    const late = this.pendingText;
    this.consumed = this.current;
    if (late) this.on.lateText?.(late);
    return true;
  }

  private decide(by: Exclude<TurnEndRule, "dtmf">): void {
    const text = this.pendingText;
    // The model may say "complete" before the recogniser has any words: the silence deadline then decides.
    if (!text) {
      if (by !== "model") this.clearTimers();
      return;
    }
    const verdict = this.verdict;
    this.clearTimers();
    this.pauseSeq++;
    this.consumed = this.current;
    const now = performance.now();
    this.takenAt = now;
    this.turnAudio?.reset();
    this.on.utterance({
      text,
      speechEndAt: this.speechEndAt || now,
      decidedAt: now,
      textAt: this.textAt || now,
      by,
      ...(verdict ? { model: { probability: verdict.probability, ms: Math.round(verdict.ms) } } : {}),
    });
  }

  private unconsumed(full: string): string {
    if (!this.consumed) return full.trim();
    return full.startsWith(this.consumed) ? full.slice(this.consumed.length).trim() : full.trim();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.askTimer) clearTimeout(this.askTimer);
    this.timer = null;
    this.askTimer = null;
    this.prediction?.abort();
    this.prediction = null;
    this.verdict = null;
    this.verdictComplete = false;
  }
}
