import type { CallsConfig } from "../../config/sections/calls.js";
import type { TurnDetector } from "../../engines/types.js";
import type { AgentDefinition } from "../definition.js";
import type { EndOfTurnSettings } from "./pause-plan.js";

/** How one conversation decides that the caller has finished, and whether it answers early. */
export interface LiveTurnSettings extends EndOfTurnSettings {
  /** The turn model this call asks, or null: turns end on silence and the recogniser's endpoint alone. */
  detector: TurnDetector | null;
  /** P(complete) above this ends the turn. */
  threshold: number;
  /**
   * With a model: the minimum silence of the VAD's early-silence detector (VadEngine.open's `pauseMs`), so the
   * model is asked `askAfterMs` after the last word even when the VAD's own minimum silence is longer. 0: none.
   */
  earlyPauseMs: number;
  /** Start the reply on the interim transcript when the caller pauses. */
  speculative: boolean;
  /** Also at the turn model's early question (beside the model), not only at the VAD's pause. */
  speculateEarly: boolean;
  /** Read the caller's words into the LLM while they speak (engines that can; ReadAhead). */
  readAhead: boolean;
}

/**
 * The agent's `live.turn` over the server's `calls.turn` defaults. Without a
 * model (none installed, or the agent turns it off) the silence deadline is
 * the agent's `endpointSilenceMs`, as before turn models; with one, the
 * agent's `live.turn.endpointSilenceMs` when it sets it.
 */
/**
 * The early-silence detector's minimum silence (VadEngine.open's `pauseMs`): silero decides in 32 ms windows and
 * its probability falls slowly after the last voiced frame, so it reports a pause some 60-100 ms after its minimum
 * silence. The turn model is then asked ahead of its verdict's due time (`askAfterMs` into the silence) by the time
 * its predictions take, up to 100 ms (pause-plan.ts), so the pause must be known that much before askAfterMs. So it
 * is `askAfterMs` less 150 ms, within 32 ms (one window) and 100 ms: with the default askAfterMs of 200 it is 50,
 * and the pause is known about 130 ms after the last word (`bench calls` on load-small). Longer only asks late;
 * shorter makes more short gaps between words a pause, each costing a question to the model that is cancelled
 * when the caller goes on (`parley bench turns` counts the same false cut-ins at 50 ms as at 100).
 */
export const EARLY_PAUSE_MAX_MS = 100;
export const EARLY_PAUSE_MIN_MS = 32;
const EARLY_PAUSE_LAG_MS = 150;

export function earlyPauseMsFor(askAfterMs: number): number {
  return Math.min(EARLY_PAUSE_MAX_MS, Math.max(EARLY_PAUSE_MIN_MS, askAfterMs - EARLY_PAUSE_LAG_MS));
}

export function liveTurnSettings(
  live: AgentDefinition["live"],
  defaults: CallsConfig["turn"],
  detector: TurnDetector | null,
): LiveTurnSettings {
  const t = live.turn;
  const use = detector !== null && (t.model ?? defaults.model) ? detector : null;
  const askAfterMs = use ? (t.askAfterMs ?? defaults.askAfterMs) : null;
  return {
    detector: use,
    askAfterMs,
    earlyPauseMs: askAfterMs === null ? 0 : earlyPauseMsFor(askAfterMs),
    endpointSilenceMs: use ? (t.endpointSilenceMs ?? live.endpointSilenceMs) : live.endpointSilenceMs,
    threshold: t.threshold ?? use?.threshold ?? 0.5,
    speculative: t.speculative ?? defaults.speculative,
    speculateEarly: t.speculateEarly ?? defaults.speculateEarly,
    readAhead: t.readAhead ?? defaults.readAhead,
  };
}
