import type { TurnVoice, Utterance } from "../conversation/speaker.js";

/**
 * The agent's voice in the chat playground: each sentence the turn would say goes to the page as text, at once and
 * whole (nothing is synthesized or played). A sentence said after the turn was aborted (the operator left) counts as
 * unheard, as on a call.
 */
export function textVoice(onSentence: (text: string) => void): TurnVoice {
  const voice: TurnVoice = {
    audioIdle: () => true,
    // A fixed phrase (filler, fallback line) is text like any other here: there is no audio to cache.
    sayPhrase: (text, _use, signal) => voice.say(text, signal),
    say(text: string, signal: AbortSignal): Utterance {
      const heard = !signal.aborted;
      if (heard) onSentence(text);
      const samples = heard ? Math.max(1, text.length) : 0;
      const now = performance.now();
      return {
        text,
        playback: {
          playedSamples: samples,
          done: Promise.resolve({ completed: heard, playedSamples: samples, queuedSamples: Math.max(1, text.length) }),
          started: Promise.resolve(heard ? now : null),
        },
        firstAudio: Promise.resolve(heard ? now : null),
        ttsError: Promise.resolve(undefined),
      };
    },
  };
  return voice;
}
