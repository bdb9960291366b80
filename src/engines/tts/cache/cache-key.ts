import { createHash } from "node:crypto";

/** The voice settings a render depends on (an agent's `voice`, and its language when the text is read aloud by its rules). */
export interface Voice {
  speakerId: number;
  speed: number;
  /** BCP 47 tag: how numbers, dates and sentences in the text are read. Left out, the engine's default. */
  language?: string;
}

/** Everything telephone audio needs: 8 kHz PCM16, as RTP plays it. */
export const CACHE_RATE = 8000;
/** Bumped when the way audio is made changes (resampler, format), so old renders are never served for new ones. */
const RENDER_VERSION = 1;

/**
 * The content address of a render: the text (whitespace collapsed, which
 * does not change what is said), the voice, the model and the output format
 * (the sample rate). Anything that changes the audio changes the key, so a
 * hit is never stale.
 */
export function cacheKey(text: string, voice: Voice, modelId: string): string {
  const identity = {
    v: RENDER_VERSION,
    model: modelId,
    speakerId: voice.speakerId,
    speed: voice.speed,
    rate: CACHE_RATE,
    text: normaliseText(text),
    // Only when set: keys made before voices had a language stay valid.
    ...(voice.language ? { language: voice.language } : {}),
  };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}

export function normaliseText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
