import { HeldAudio } from "./held-audio.js";
import type { AgentTurnResult } from "./agent-turn.js";
import { Speaker, type PhraseCache, type SpeakerVoice } from "./speaker.js";
import type { TtsEngine } from "../../engines/types.js";
import type { CallAudio } from "./types.js";
import type { Utterance } from "./listener.js";

/** Transcripts compared as words: case, punctuation and spacing do not count. */
export function sameWords(a: string, b: string): boolean {
  return normalise(a) === normalise(b);
}

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]/gu, " ")
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

/**
 * A reply started on the interim transcript when the caller paused, before
 * the turn was over. Its LLM tokens and audio are made at once; the audio is
 * held (HeldAudio) and its tools wait, until the conversation keeps it (the
 * final transcript has the same words) or discards it (other words, or the
 * caller spoke again): its signal aborts and nothing of it is heard.
 */
export class Speculation {
  readonly controller = new AbortController();
  readonly speaker: Speaker;
  private readonly held: HeldAudio;
  private markKept: () => void = () => undefined;
  /** Resolves when kept; tools of the reply wait on it. */
  readonly kept = new Promise<void>((r) => (this.markKept = r));
  /** Set by whoever starts the reply. */
  result: Promise<AgentTurnResult> | null = null;
  state: "pending" | "kept" | "discarded" = "pending";
  /** The reply's result, once it has one (a kept reply reports it to the conversation). */
  done: AgentTurnResult | null = null;
  /** The caller's turn it answers, once kept. */
  utterance: Utterance | null = null;
  /** The reply offers to take a message if it fails (decided when it started). */
  offersMessage = false;
  private firstWordsAudio: Promise<unknown> | null = null;
  private markFirstWordsHeard: () => void = () => undefined;
  /**
   * Settles once the reply is kept and its first words are audio (held until then): the caller hears them. Never
   * settles for a discarded reply, whose words nobody hears.
   */
  readonly firstWordsHeard = new Promise<void>((r) => (this.markFirstWordsHeard = r));

  constructor(
    readonly text: string,
    tts: TtsEngine,
    audio: CallAudio,
    voice: SpeakerVoice,
    phrases: PhraseCache | null,
  ) {
    this.held = new HeldAudio(audio);
    this.speaker = new Speaker(tts, this.held, voice, phrases);
  }

  matches(finalText: string): boolean {
    return sameWords(this.text, finalText);
  }

  /** The reply handed its first words to TTS; `audio` settles when they are audio (AgentTurnDeps.firstWords). */
  firstWords(audio: Promise<unknown>): void {
    this.firstWordsAudio = audio;
    if (this.state === "kept") this.heardOnceAudio();
  }

  keep(): void {
    if (this.state !== "pending") return;
    this.state = "kept";
    this.held.release();
    this.markKept();
    if (this.firstWordsAudio) this.heardOnceAudio();
  }

  private heardOnceAudio(): void {
    const heard = () => this.markFirstWordsHeard();
    void this.firstWordsAudio?.then(heard, heard);
  }

  discard(): void {
    if (this.state !== "pending") return;
    this.state = "discarded";
    this.held.drop();
    this.controller.abort(new Error("speculative reply discarded"));
  }
}
