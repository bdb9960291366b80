import { setTimeout as sleep } from "node:timers/promises";
import { int16ToFloat32, rmsDbfs, type Frame } from "../../audio/index.js";
import type {
  AsrEvent,
  AsrStream,
  StreamingAsr,
  TurnDetector,
  TurnPrediction,
  VadEngine,
  VadEvent,
} from "../../engines/types.js";
import { isAbortError } from "../../lib/errors.js";
import { askAheadOf } from "../turn-taking/pause-plan.js";
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
  /** The turn model's last verdict in this pause, when it was asked (see TurnTiming.turnModel). */
  model?: { probability: number; ms: number; askedAfterMs: number; early: boolean };
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

/**
 * How long a turn taken by the model or the silence deadline waits for the
 * recogniser's last words (AsrStream.finalize): a decode of its held-back
 * audio, tens of ms, unless its queue is behind. Past this the turn is taken
 * with the words in hand, and later ones join it as late words.
 */
const FINALIZE_WAIT_MS = 300;

export interface ListenerHandlers {
  speechStart(at: number): void;
  speechEnd(at: number): void;
  /** The recogniser's current text for the utterance in progress (unconsumed part). */
  text(text: string): void;
  utterance(u: Utterance): void;
  /**
   * The caller paused with this text in hand: a reply may start on it (speculation). Said at the VAD's speech end,
   * and at the early question to the turn model (`early`; again each time the recogniser's words change in that
   * pause).
   */
  pause?(text: string, early: boolean): void;
  /** The caller went on after an early pause, before the VAD's segment ended: a reply started in it is stale. */
  resume?(): void;
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
  /**
   * The VAD's early-silence detector (VadEngine.open's `pauseMs`): the model is asked after this much silence
   * even while the VAD's own segment, whose minimum silence is longer, is still open. 0: only at the VAD's pause.
   */
  earlyPauseMs: number;
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
  private verdict: (TurnPrediction & { askedAt: number; early: boolean }) | null = null;
  /** The model said "complete" in this pause before the recogniser had words: the first words end the turn. */
  private verdictComplete = false;
  /** Counts pauses (and what ends them), so a verdict that arrives after its pause is dropped. */
  private pauseSeq = 0;
  /** The pause (pauseSeq) the model was asked about, so the VAD's speech-end does not ask it again. */
  private askedSeq = -1;
  /**
   * The early-silence detector heard the caller stop, and the VAD's segment has not ended yet (its minimum silence
   * is longer): the turn model may be asked, and may end the turn, already.
   */
  private quiet = false;
  /** The caller's last voiced moment before the current early pause (audio ms): voice after it drops a verdict. */
  private quietFromMs = 0;
  /**
   * The early-silence detector heard the caller again after the VAD's segment ended, and the VAD has not yet (its
   * minimum speech is longer: a short answer, digits one by one): see heardBeforeTheVad.
   */
  private heardAgain = false;
  /**
   * The words handed to `pause` at the early question in progress (a reply may be under way on them): "" before any
   * words came, null outside such a pause.
   */
  private earlyText: string | null = null;
  /** When the last turn was taken, while the caller has not spoken since (late words join it). */
  private takenAt: number | null = null;
  private modelFailed = false;
  /** The call's recognition stream, while run() runs. */
  private asrStream: AsrStream | null = null;
  /** The turn is over, and the recogniser was asked for its last words: what ended it, and since when. */
  private finalizing: {
    by: Exclude<TurnEndRule, "dtmf">;
    at: number;
    timer: NodeJS.Timeout;
    /** VAD events that came meanwhile: handled once the turn is taken (a caller going on barges in on it). */
    heldVad: VadEvent[];
  } | null = null;
  /** A finalize was asked for and its endpoint has not come yet (see onAsr). */
  private finalizeEndpointDue = false;
  echoFrames = 0;
  /** Pauses the early-silence detector reported while the VAD's segment was open (each asks the turn model). */
  earlyPauses = 0;
  /** Questions put to the turn model (diagnostics, tests). */
  modelQuestions = 0;

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
    const pauseMs = this.o.turnModel?.earlyPauseMs ?? 0;
    const vadStream = this.vad.open({ signal, inputRate: 8000, ...(pauseMs > 0 ? { pauseMs } : {}) });
    const asrStream = this.asr.open({ signal });
    this.asrStream = asrStream;
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
      if (this.finalizing) clearTimeout(this.finalizing.timer);
      this.finalizing = null;
      this.asrStream = null;
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
    // What the caller does while the turn is being taken comes after it, as it would have without the finalize.
    if (this.finalizing) {
      this.finalizing.heldVad.push(e);
      return;
    }
    const now = performance.now();
    if (e.type === "pause") return this.onEarlyPause(e.endMs, now);
    if (e.type === "resume") return this.onResume(now);
    if (e.type === "speech-start") {
      this.speaking = true;
      this.quiet = false;
      this.heardAgain = false;
      this.earlyText = null;
      this.takenAt = null;
      this.voiced.speechStarted();
      this.clearTimers();
      this.on.speechStart(now);
      return;
    }
    this.speaking = false;
    // The early-silence detector reported this pause already: same last word, and its question to the model stands.
    const early = this.quiet;
    this.quiet = false;
    this.earlyText = null;
    if (early && this.takenAt !== null) {
      this.on.speechEnd(this.speechEndAt); // the model ended the turn at the early silence: nothing left to decide
      return;
    }
    if (!early) {
      ++this.pauseSeq;
      this.clearTimers();
      this.speechEndAt = this.wireTime(this.voiced.voicedEnd(e.endMs), now);
    }
    this.pauseHeard(now);
  }

  /**
   * The caller stopped at speechEndAt: the silence deadline, the model's question (unless it was asked in this pause
   * already), and a reply started on the words so far.
   */
  private pauseHeard(now: number): void {
    const seq = this.pauseSeq;
    this.on.speechEnd(this.speechEndAt);
    if (this.timer) clearTimeout(this.timer);
    const deadline = this.speechEndAt + this.o.endpointSilenceMs;
    this.timer = setTimeout(() => this.decide("vad"), Math.max(0, deadline - now));
    const model = this.o.turnModel;
    if (model && !this.modelFailed && this.askedSeq !== seq) {
      // The rule of pause-plan.ts on the wall clock: asked askAfterMs after the last word, never before the VAD
      // reported the pause, and only when that is before the silence deadline.
      const askAt = Math.max(this.speechEndAt + model.askAfterMs, now);
      if (askAt < deadline) this.armAsk(model, seq, askAt - now);
    }
    const text = this.pendingText;
    if (text) this.on.pause?.(text, false);
  }

  /**
   * Audio ms `voicedEndMs` on the wall clock: we are audioMs in, so it was (audioMs - voicedEndMs) ago on our
   * side, and the jitter buffer held that audio a little longer before we saw it. Endpoint silence counts from
   * the caller's real last word (wire time), so the buffer's delay is not added to every turn.
   */
  private wireTime(voicedEndMs: number, now: number): number {
    return now - Math.max(0, this.audioMs - voicedEndMs) - (this.o.inputDelayMs?.() ?? 0);
  }

  /**
   * The early-silence detector heard the caller stop (`pauseMs` of silence) while the VAD's segment is still
   * open: the turn model is asked now (askAfterMs after the last word), not after the VAD's longer minimum
   * silence. The silence deadline still waits for the VAD's speech-end.
   */
  private onEarlyPause(endMs: number, now: number): void {
    if (this.heardAgain && !this.speaking) {
      // The end of speech the VAD did not hear: its pause is decided as the VAD's own would be.
      this.heardAgain = false;
      ++this.pauseSeq;
      this.clearTimers();
      this.speechEndAt = this.wireTime(this.voiced.voicedEnd(endMs), now);
      return this.pauseHeard(now);
    }
    const model = this.o.turnModel;
    if (!this.speaking || this.quiet || !model || this.modelFailed) return;
    this.quiet = true;
    this.earlyText = null;
    this.earlyPauses++;
    const seq = ++this.pauseSeq;
    this.clearAsk();
    this.quietFromMs = this.voiced.voicedEnd(endMs);
    this.speechEndAt = this.wireTime(this.quietFromMs, now);
    this.armAsk(model, seq, Math.max(0, this.speechEndAt + model.askAfterMs - now));
  }

  /** The early-silence detector hears the caller again (before the VAD's segment ended, or after it: see below). */
  private onResume(now: number): void {
    if (!this.quiet) {
      if (!this.speaking && this.timer !== null) this.heardBeforeTheVad();
      return;
    }
    this.quiet = false;
    this.earlyText = null;
    ++this.pauseSeq;
    this.clearAsk();
    if (this.takenAt !== null && this.speaking) {
      // The model ended the turn in this pause and the caller went on: to the conversation that is new speech
      // (a barge-in over the reply, a stale speculative reply), as a speech-start after a pause would be.
      this.takenAt = null;
      this.on.speechStart(now);
    } else this.on.resume?.();
  }

  /**
   * The caller speaks again after the VAD's segment ended, and only the early-silence detector has heard it yet: the
   * VAD starts a segment after its minimum speech (200 ms by default), and a short answer or digits said one by one
   * can stay under it for a second or more. The silence deadline of the pause before no longer stands: silence counts
   * again from now, and from the end of this speech once the early detector reports it (onEarlyPause), so the turn
   * is not taken while the caller talks. The VAD's own speech start, when it comes, goes on as usual.
   */
  private heardBeforeTheVad(): void {
    this.heardAgain = true;
    ++this.pauseSeq;
    this.clearTimers();
    this.timer = setTimeout(() => this.decide("vad"), this.o.endpointSilenceMs);
    this.on.resume?.(); // a reply started on the words before is stale
  }

  /**
   * The model's verdict on this pause, due `inMs` from now: asked ahead of that by the time its predictions take
   * lately, so that it is in hand when due (pause-plan.ts).
   */
  private armAsk(model: ListenerTurnModel, seq: number, inMs: number): void {
    this.askedSeq = seq;
    const now = performance.now();
    const dueAt = now + inMs;
    const askAt = askAheadOf(dueAt, now, model.detector.recentMs ?? 0);
    this.askTimer = setTimeout(() => void this.ask(model, seq, dueAt), askAt - now);
  }

  /**
   * Asks the turn model about the turn's audio so far, the pause made up to `dueAt` (pause-plan.ts); a "complete"
   * that is still current at dueAt ends the turn.
   */
  private async ask(model: ListenerTurnModel, seq: number, dueAt: number): Promise<void> {
    this.askTimer = null;
    if (!this.turnAudio) return;
    const controller = new AbortController();
    this.prediction = controller;
    this.modelQuestions++;
    const askedAt = performance.now();
    const aheadMs = Math.max(0, dueAt - askedAt);
    const early = this.speaking && this.quiet;
    // The reply starts now, beside the model, on the words in hand: when the model says "complete" it is already
    // under way. Words the recogniser adds before the verdict start it again (onAsr); the caller going on drops it.
    if (early) {
      this.earlyText = ""; // none offered yet: the first words that come start it
      this.offerEarlyWords();
    }
    try {
      const p = await model.detector.predict(
        { samples: this.turnAudio.snapshot(aheadMs), sampleRate: this.turnAudio.sampleRate },
        { signal: controller.signal },
      );
      if (seq !== this.pauseSeq || controller.signal.aborted) return; // the caller spoke, or the turn was taken
      const waitMs = dueAt - performance.now();
      if (waitMs > 0) await sleep(waitMs, undefined, { signal: controller.signal }); // the silence it was told of
      if (seq !== this.pauseSeq || controller.signal.aborted) return;
      if (this.speaking && this.quiet && this.voiced.lastVoicedAtMs > this.quietFromMs) {
        // Asked at the early silence, and the caller's voice is back before any detector said so: not this verdict.
        this.askedSeq = -1; // the VAD's speech-end, if it comes, asks again
        if (this.earlyText !== null) {
          this.earlyText = null;
          this.on.resume?.(); // a reply started on the words so far is stale
        }
        return;
      }
      this.verdict = { ...p, askedAt, early };
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
      if (this.earlyText !== null && this.speaking && this.quiet) this.offerEarlyWords();
      if (pending && this.verdictComplete && (!this.speaking || this.quiet)) this.decide("model");
    } else if (e.type === "final") {
      this.current = e.text;
      if (this.absorbLateWords()) return;
      this.textAt = performance.now();
      if (this.finalizing) return this.finalized();
      if (!this.speaking) this.decide("asr");
    } else {
      if (this.finalizing) this.finalized(); // finalize found no words beyond those in hand
      // The recogniser starts a fresh utterance after its endpoint: what it hears next is new speech.
      this.current = "";
      this.consumed = "";
      // Not after a finalize: the turn it was asked for was taken just now, and the VAD's end of that speech (still to
      // come when the model decided at the early silence) must find it taken, not ask about the pause again.
      if (!this.finalizeEndpointDue) this.takenAt = null;
      this.finalizeEndpointDue = false;
    }
  }

  /**
   * At the early question, and each time the recogniser's words change before the turn is decided: a reply may
   * start on them (the conversation starts it again when the words differ from those of the reply under way).
   */
  private offerEarlyWords(): void {
    const text = this.pendingText;
    if (!text || text === this.earlyText) return;
    this.earlyText = text;
    this.on.pause?.(text, true);
  }

  /** Words for the turn just taken (see LATE_WORDS_MS): they join it instead of starting another. */
  private absorbLateWords(): boolean {
    if (this.takenAt === null || (this.speaking && !this.quiet)) return false;
    if (performance.now() - this.takenAt > LATE_WORDS_MS) {
      this.takenAt = null;
      return false;
    }
    const late = this.pendingText;
    this.consumed = this.current;
    if (late) this.on.lateText?.(late);
    return true;
  }

  /**
   * The turn is over by `by`. Unless the recogniser said so itself, it is asked first for the words it still holds
   * back: a streaming model decodes a chunk of audio (and its look-ahead) at a time, so a turn model deciding 200 ms
   * after the last word is ahead of it, and the reply would miss the caller's last word.
   */
  private decide(by: Exclude<TurnEndRule, "dtmf">): void {
    if (this.finalizing) return; // being taken already
    if (by === "asr" || !this.asrStream) return this.take(by, performance.now());
    const at = performance.now();
    this.finalizing = { by, at, timer: setTimeout(() => this.finalized(), FINALIZE_WAIT_MS), heldVad: [] };
    this.finalizeEndpointDue = true;
    this.asrStream.finalize();
  }

  /** The recogniser's final after a finalize (or its wait ran out): the turn is taken with the words now in hand. */
  private finalized(): void {
    const f = this.finalizing;
    if (!f) return;
    this.finalizing = null;
    clearTimeout(f.timer);
    this.take(f.by, f.at);
    for (const e of f.heldVad) this.onVad(e);
  }

  private take(by: Exclude<TurnEndRule, "dtmf">, decidedAt: number): void {
    const text = this.pendingText;
    // The model may say "complete" before the recogniser has any words: the silence deadline then decides.
    if (!text) {
      if (by !== "model") this.clearTimers();
      return;
    }
    const verdict = this.verdict;
    this.clearTimers();
    this.pauseSeq++;
    this.earlyText = null;
    this.heardAgain = false; // speech after a taken turn is the next turn's
    this.consumed = this.current;
    const now = performance.now();
    this.takenAt = now;
    this.turnAudio?.reset();
    this.on.utterance({
      text,
      speechEndAt: this.speechEndAt || now,
      decidedAt,
      textAt: this.textAt || now,
      by,
      ...(verdict
        ? {
            model: {
              probability: verdict.probability,
              ms: Math.round(verdict.ms),
              askedAfterMs: Math.round(verdict.askedAt - (this.speechEndAt || now)),
              early: verdict.early,
            },
          }
        : {}),
    });
  }

  private unconsumed(full: string): string {
    if (!this.consumed) return full.trim();
    return full.startsWith(this.consumed) ? full.slice(this.consumed.length).trim() : full.trim();
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.clearAsk();
  }

  /** Drops the model's question for this pause: not yet asked, in flight (aborted), or answered. */
  private clearAsk(): void {
    if (this.askTimer) clearTimeout(this.askTimer);
    this.askTimer = null;
    this.prediction?.abort();
    this.prediction = null;
    this.verdict = null;
    this.verdictComplete = false;
  }
}
