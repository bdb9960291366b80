import { planPause, resolvePause, type EndOfTurnSettings, type TurnEnd } from "../../agent/turn-taking/pause-plan.js";
import type { HeardPause } from "./timeline.js";

/** One row of the report: VAD only, or the turn model asked after a silence, each with its silence deadline. */
export interface TurnSetting extends EndOfTurnSettings {
  name: string;
}

export interface Verdict {
  complete: boolean;
  probability: number;
  /** The prediction's wall time (queueing, features and inference): the decision comes this much after the ask. */
  ms: number;
  modelMs: number;
}

/**
 * Asks the turn model about the utterance's audio up to `atMs`, the pause made up to `dueMs` (pause-plan.ts); the
 * bench caches one verdict per pair.
 */
export type AskModel = (atMs: number, dueMs: number) => Promise<Verdict>;

/**
 * When the turn ended under `setting`, walking the utterance's pauses in order; null when the audio ran out first.
 * `leadMs`: how long the model's predictions take lately (it is asked that far ahead of its verdict's due time).
 */
export async function decideTurn(
  setting: TurnSetting,
  pauses: readonly HeardPause[],
  ask: AskModel,
  leadMs = 0,
): Promise<TurnEnd> {
  for (const pause of pauses) {
    const plan = planPause(setting, pause, leadMs);
    // A caller heard again before the ask cancels it: no prediction is made.
    const asked = plan.askAtMs !== null && plan.askedAtMs !== null && plan.askedAtMs < pause.voiceBackAtMs;
    const verdict = asked ? await ask(plan.askedAtMs!, plan.askAtMs!) : null;
    const end = resolvePause(plan, verdict, pause.resumedAtMs, pause.voiceBackAtMs);
    if (end) return end;
  }
  return null;
}
