import { int16ToFloat32, rmsDbfs, type Frame } from "../../audio/index.js";
import type { AsrEvent, StreamingAsr, VadEngine, VadEvent } from "../../engines/types.js";

/** A finished caller utterance, with the timings the latency breakdown needs (performance.now() times). */
export interface Utterance {
  text: string;
  /** When the caller's last word ended (estimated from the VAD's segment end). */
  speechEndAt: number;
  /** When we decided the turn was over. */
  decidedAt: number;
  /** When the recogniser had the text we used. */
  textAt: number;
  /** What ended it: the VAD's silence rule or the recogniser's own endpoint. */
  by: "vad" | "asr";
}

/**
 * Silero decides that speech has ended some way past the last voiced frame
 * (its probability falls slowly through soft endings). The turn's silence is
 * counted from the last frame loud enough to be voice, when that is this far
 * before the VAD's segment end at most; a frame is voice when it is within
 * VOICED_BELOW_PEAK_DB of the utterance's loudest frame and above the floor.
 */
const MAX_EARLIER_MS = 240;
const VOICED_BELOW_PEAK_DB = 30;
const VOICED_FLOOR_DB = -55;

export interface ListenerHandlers {
  speechStart(at: number): void;
  speechEnd(at: number): void;
  /** The recogniser's current text for the utterance in progress (unconsumed part). */
  text(text: string): void;
  utterance(u: Utterance): void;
}

export interface ListenerOptions {
  /** Trailing silence that ends a turn. */
  endpointSilenceMs: number;
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
 * silence after VAD speech with text in hand, or the recogniser's endpoint.
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
  /** Loudest frame since the current utterance started, and where (audio ms) the last voiced frame ended. */
  private utterancePeakDb = -120;
  private lastVoicedMs = 0;
  private timer: NodeJS.Timeout | null = null;
  echoFrames = 0;

  constructor(
    private readonly vad: VadEngine,
    private readonly asr: StreamingAsr,
    private readonly o: ListenerOptions,
    private readonly on: ListenerHandlers,
  ) {}

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
        this.trackVoicing(samples);
      }
    } finally {
      signal.removeEventListener("abort", stop);
      this.clearTimer();
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

  private trackVoicing(samples: Float32Array): void {
    const level = rmsDbfs(samples);
    this.utterancePeakDb = Math.max(this.utterancePeakDb, level);
    if (level > Math.max(VOICED_FLOOR_DB, this.utterancePeakDb - VOICED_BELOW_PEAK_DB))
      this.lastVoicedMs = this.audioMs;
  }

  private onVad(e: VadEvent): void {
    const now = performance.now();
    if (e.type === "speech-start") {
      this.speaking = true;
      this.utterancePeakDb = -120;
      this.clearTimer();
      this.on.speechStart(now);
      return;
    }
    this.speaking = false;
    // The segment ended endMs into the audio; we are audioMs in, so it ended (audioMs - endMs) ago on our side,
    // and the jitter buffer held that audio a little longer before we saw it. Endpoint silence counts from the
    // caller's real last word (wire time), so the buffer's delay is not added to every turn.
    const voicedEndMs =
      this.lastVoicedMs < e.endMs && this.lastVoicedMs >= e.endMs - MAX_EARLIER_MS ? this.lastVoicedMs : e.endMs;
    this.speechEndAt = now - Math.max(0, this.audioMs - voicedEndMs) - (this.o.inputDelayMs?.() ?? 0);
    this.on.speechEnd(this.speechEndAt);
    this.clearTimer();
    const wait = Math.max(0, this.speechEndAt + this.o.endpointSilenceMs - now);
    this.timer = setTimeout(() => this.decide("vad"), wait);
  }

  private onAsr(e: AsrEvent): void {
    if (e.type === "partial") {
      this.current = e.text;
      this.textAt = performance.now();
      const pending = this.pendingText;
      if (pending) this.on.text(pending);
    } else if (e.type === "final") {
      this.current = e.text;
      this.textAt = performance.now();
      if (!this.speaking) this.decide("asr");
    } else {
      // The recogniser starts a fresh utterance after its endpoint.
      this.current = "";
      this.consumed = "";
    }
  }

  private decide(by: "vad" | "asr"): void {
    this.clearTimer();
    const text = this.pendingText;
    if (!text) return;
    this.consumed = this.current;
    const now = performance.now();
    this.on.utterance({ text, speechEndAt: this.speechEndAt || now, decidedAt: now, textAt: this.textAt || now, by });
  }

  private unconsumed(full: string): string {
    if (!this.consumed) return full.trim();
    return full.startsWith(this.consumed) ? full.slice(this.consumed.length).trim() : full.trim();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
