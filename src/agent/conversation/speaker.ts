import { concatInt16, float32ToInt16, int16ToFloat32, Resampler, rmsDbfs } from "../../audio/index.js";
import type { CacheUse, TtsCache } from "../../engines/tts/cache/index.js";
import type { TtsEngine } from "../../engines/types.js";
import { Channel } from "../../lib/channel.js";
import { isAbortError } from "../../lib/errors.js";
import type { CallAudio, PlaybackHandle } from "./types.js";

export interface Utterance {
  text: string;
  playback: PlaybackHandle;
  /** Wall time (performance.now) of the first synthesized audio, or null if none came. */
  firstAudio: Promise<number | null>;
  /** Settles when synthesis ends: with its error when TTS failed, else undefined (cancelled included). */
  ttsError: Promise<unknown>;
  /** Set when the call's media refused the audio (closed): nothing was played or synthesized. */
  mediaError?: unknown;
  /** A reply's opening played from memory: this voice said the same words before (TtsCache.recallOpening). */
  recalled?: true;
}

function unplayed(): PlaybackHandle {
  return {
    playedSamples: 0,
    done: Promise.resolve({ completed: false, playedSamples: 0, queuedSamples: 0 }),
    started: Promise.resolve(null),
  };
}

/** How an agent speaks: its voice settings and its language (sentence rules, numbers and dates read aloud). */
export interface SpeakerVoice {
  speakerId: number;
  speed: number;
  language?: string;
}

/**
 * Where a call's fixed phrases come from: the TTS cache (rendered once per voice, text and rate, reused across
 * calls); and where replies' openings are kept, in memory.
 */
export type PhraseCache = Pick<TtsCache, "render" | "recallOpening" | "keepOpening" | "keepsOpening">;

export interface SayOptions {
  /**
   * The reply's first words: played from memory when this voice said the same words before (a hit costs no
   * synthesis, so the caller hears them at once and the cores go to the rest), else synthesised live and kept.
   */
  opening?: boolean;
}

/** The voice of an agent definition. */
export function voiceOf(agent: { voice: { speakerId: number; speed: number }; language: string }): SpeakerVoice {
  return { ...agent.voice, language: agent.language };
}

/** What an agent turn says its sentences through: a Speaker on a call, text in the chat playground. */
export type TurnVoice = Pick<Speaker, "say" | "sayPhrase" | "audioIdle">;

/**
 * Turns sentences into queued 8 kHz audio. Synthesis runs ahead of playback
 * (each sentence is rendered into its own buffer as fast as TTS allows), so
 * sentence two is ready the moment sentence one has played: no gap.
 */
export class Speaker {
  /** Level of the agent audio queued most recently (dBFS): the echo gate compares the caller's level with it. */
  levelDb = -120;

  constructor(
    private readonly tts: TtsEngine,
    private readonly audio: CallAudio,
    private readonly voice: SpeakerVoice,
    /** Fixed phrases come from here when set; without it (tests of the loop alone) they are synthesised live. */
    private readonly phrases: PhraseCache | null = null,
  ) {}

  /** True when nothing of ours is queued or playing. */
  audioIdle(): boolean {
    return !this.audio.playing;
  }

  /**
   * Speaks text made for this moment (a reply), synthesised live: its first sentence plays while the rest is made.
   * A reply's opening (`o.opening`) said before in this voice plays from memory instead (PhraseCache.recallOpening).
   */
  say(text: string, signal: AbortSignal, o: SayOptions = {}): Utterance {
    const openings = o.opening && this.phrases?.keepsOpening(text) ? this.phrases : null;
    if (!openings) return this.speak(text, signal, (out, markFirst) => this.render(text, out, signal, markFirst));
    const recalled = openings.recallOpening(text, this.voice, this.tts);
    if (recalled) {
      const utterance = this.speak(text, signal, async (out, markFirst) => {
        this.queuePcm(recalled, out, markFirst);
        return undefined;
      });
      return { ...utterance, recalled: true };
    }
    const keep = (pcm: Int16Array) => openings.keepOpening(text, this.voice, this.tts, pcm);
    return this.speak(text, signal, (out, markFirst) => this.render(text, out, signal, markFirst, keep));
  }

  /**
   * Speaks a fixed phrase (a greeting, the filler, the fallback line, a
   * prompt): the same text in the same voice every call, so it is played from
   * the TTS cache, rendered once with this call's engine and kept. If the
   * cache fails (a full disk), the phrase is synthesised live: the caller
   * still hears it.
   */
  sayPhrase(text: string, use: CacheUse, signal: AbortSignal): Utterance {
    const cache = this.phrases;
    if (!cache) return this.say(text, signal);
    return this.speak(text, signal, async (out, markFirst) => {
      let pcm: Int16Array;
      try {
        pcm = (await cache.render(text, this.voice, signal, { use, engine: this.tts, priority: "live" })).pcm;
      } catch (err) {
        if (signal.aborted) {
          out.fail(err);
          markFirst(null);
          return undefined;
        }
        return this.render(text, out, signal, markFirst);
      }
      this.queuePcm(pcm, out, markFirst);
      return undefined;
    });
  }

  /** Queues speech made before (a cached phrase, a recalled opening), whole. */
  private queuePcm(pcm: Int16Array, out: Channel<Int16Array>, markFirst: (t: number | null) => void): void {
    markFirst(performance.now());
    this.levelDb = Math.max(this.levelDb - 1, rmsDbfs(int16ToFloat32(pcm)));
    out.push(pcm);
    out.close();
  }

  private speak(
    text: string,
    signal: AbortSignal,
    produce: (out: Channel<Int16Array>, markFirst: (t: number | null) => void) => Promise<unknown>,
  ): Utterance {
    const pcm = new Channel<Int16Array>();
    let markFirst: (t: number | null) => void = () => undefined;
    const firstAudio = new Promise<number | null>((r) => (markFirst = r));
    let playback: PlaybackHandle;
    try {
      playback = this.audio.play(pcm, { signal });
    } catch (err) {
      // The media is gone (the call ended under us): nothing can be heard, so nothing is synthesized.
      markFirst(null);
      return { text, playback: unplayed(), firstAudio, ttsError: Promise.resolve(undefined), mediaError: err };
    }
    const ttsError = produce(pcm, markFirst);
    return { text, playback, firstAudio, ttsError };
  }

  private async render(
    text: string,
    out: Channel<Int16Array>,
    signal: AbortSignal,
    markFirst: (t: number | null) => void,
    /** Given the whole render, as queued, when it completed (an opening kept for the next reply). */
    keep?: (pcm: Int16Array) => void,
  ): Promise<unknown> {
    let resampler: Resampler | null = null;
    let first = true;
    const rendered: Int16Array[] = [];
    const queue = (pcm: Int16Array) => {
      if (keep) rendered.push(pcm);
      out.push(pcm);
    };
    try {
      for await (const chunk of this.tts.synthesize(text, {
        signal,
        speakerId: this.voice.speakerId,
        speed: this.voice.speed,
        // A reply's first words, or any sentence once the audio before it has run out: the caller hears silence.
        urgent: () => !this.audio.playing,
        ...(this.voice.language ? { language: this.voice.language } : {}),
      })) {
        if (first) {
          markFirst(performance.now());
          first = false;
        }
        resampler ??= new Resampler(chunk.sampleRate, 8000);
        const samples = chunk.sampleRate === 8000 ? chunk.samples : resampler.process(chunk.samples);
        this.levelDb = Math.max(this.levelDb - 1, rmsDbfs(samples));
        queue(float32ToInt16(samples));
      }
      if (resampler) queue(float32ToInt16(resampler.flush()));
      out.close();
      if (keep && !signal.aborted) keep(concatInt16(rendered));
      return undefined;
    } catch (err) {
      out.fail(err);
      return signal.aborted || isAbortError(err) ? undefined : err;
    } finally {
      markFirst(null);
    }
  }
}

/** The part of a sentence that was played before it was cut off, to the nearest word. */
export function playedPart(text: string, playedSamples: number, queuedSamples: number, completed: boolean): string {
  if (completed) return text;
  if (queuedSamples <= 0 || playedSamples <= 0) return "";
  const words = text.split(/\s+/);
  const n = Math.floor((playedSamples / queuedSamples) * words.length);
  return n > 0 ? `${words.slice(0, n).join(" ")}...` : "";
}
