/**
 * When a caller falls silent, when does the turn end? The rule live calls
 * and `parley bench turns` share, on audio times (ms):
 *
 *  - silence alone ends the turn `endpointSilenceMs` after the last voiced
 *    moment (`silenceFromMs`), never before the VAD has reported the pause
 *    (`knownAtMs`);
 *  - with a turn model, its verdict is due `askAfterMs` into the silence
 *    (again not before the pause is known). It is asked ahead of that by
 *    the time its predictions take lately (at most MAX_ASK_LEAD_MS), on
 *    the pause made up to askAfterMs with a copy of its own last part
 *    (turn-audio.ts), so the verdict is in hand when the silence has
 *    lasted askAfterMs. If it says complete and the caller is still
 *    silent, the turn ends then (or when the verdict arrives, if later);
 *    if not, the silence deadline stands. So a turn ends askAfterMs into
 *    the silence at the soonest, not a prediction's time after it, and the
 *    model hears a pause of askAfterMs.
 *
 * Speech resuming before a decision cancels both (and aborts the model's
 * prediction). The streaming recogniser's own endpoint ends a turn too; that
 * stays with the listener.
 */

export interface EndOfTurnSettings {
  /** Silence after the caller's last word that ends the turn when nothing ends it sooner. */
  endpointSilenceMs: number;
  /** With a turn model: silence before it is asked. null: no model, silence alone. */
  askAfterMs: number | null;
}

export interface Pause {
  /** The caller's last voiced moment before the pause. */
  silenceFromMs: number;
  /** When the VAD reported the pause (its minimum silence after the speech). */
  knownAtMs: number;
}

/** The most the turn model is asked ahead of its due time: most of the pause it hears stays real. */
export const MAX_ASK_LEAD_MS = 100;

export interface PausePlan {
  /**
   * When the turn model's verdict is due (askAfterMs into the silence); null when there is none or the deadline
   * comes first.
   */
  askAtMs: number | null;
  /** When it is asked: ahead of askAtMs by the lead, not before the pause is known; null with askAtMs. */
  askedAtMs: number | null;
  /** When silence alone ends the turn. */
  deadlineMs: number;
}

/** `leadMs`: how long the model's predictions take lately (0: asked when due). */
export function planPause(s: EndOfTurnSettings, p: Pause, leadMs = 0): PausePlan {
  const deadlineMs = Math.max(p.silenceFromMs + s.endpointSilenceMs, p.knownAtMs);
  if (s.askAfterMs === null) return { askAtMs: null, askedAtMs: null, deadlineMs };
  const askAtMs = Math.max(p.silenceFromMs + s.askAfterMs, p.knownAtMs);
  if (askAtMs >= deadlineMs) return { askAtMs: null, askedAtMs: null, deadlineMs };
  return { askAtMs, askedAtMs: askAheadOf(askAtMs, p.knownAtMs, leadMs), deadlineMs };
}

/** When a verdict due at `dueMs` is asked for, the pause known at `knownAtMs` and predictions taking `leadMs`. */
export function askAheadOf(dueMs: number, knownAtMs: number, leadMs: number): number {
  return Math.max(knownAtMs, dueMs - Math.min(Math.max(0, leadMs), MAX_ASK_LEAD_MS));
}

export type TurnEnd = { atMs: number; by: "model" | "silence" } | null;

/**
 * The outcome of one pause: the turn ends at the model's verdict (asked at
 * `askedAtMs`, answering `verdict.ms` later, counted from `askAtMs` on) when
 * it says complete before both the caller's voice is back and the silence
 * deadline; else at the deadline if the VAD has not heard the caller again
 * by then; else not at all (the caller resumed). `voiceBackAtMs`: when the
 * listener knows the voice is back, which can be before the VAD's
 * speech-start (the early-silence detector, a voiced frame).
 */
export function resolvePause(
  plan: PausePlan,
  verdict: { complete: boolean; ms: number } | null,
  resumedAtMs: number,
  voiceBackAtMs = resumedAtMs,
): TurnEnd {
  if (plan.askAtMs !== null && plan.askedAtMs !== null && verdict?.complete) {
    const at = Math.max(plan.askAtMs, plan.askedAtMs + verdict.ms);
    if (at < Math.min(voiceBackAtMs, resumedAtMs) && at < plan.deadlineMs) return { atMs: at, by: "model" };
  }
  return plan.deadlineMs < resumedAtMs ? { atMs: plan.deadlineMs, by: "silence" } : null;
}
