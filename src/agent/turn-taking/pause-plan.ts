/**
 * When a caller falls silent, when does the turn end? The rule live calls
 * and `parley bench turns` share, on audio times (ms):
 *
 *  - silence alone ends the turn `endpointSilenceMs` after the last voiced
 *    moment (`silenceFromMs`), never before the VAD has reported the pause
 *    (`knownAtMs`);
 *  - with a turn model, it is asked `askAfterMs` into the silence (again not
 *    before the pause is known). If it says complete before the caller
 *    speaks again, the turn ends when the verdict arrives; if not, the
 *    silence deadline stands.
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

export interface PausePlan {
  /** When to ask the turn model; null when there is none or the deadline comes first. */
  askAtMs: number | null;
  /** When silence alone ends the turn. */
  deadlineMs: number;
}

export function planPause(s: EndOfTurnSettings, p: Pause): PausePlan {
  const deadlineMs = Math.max(p.silenceFromMs + s.endpointSilenceMs, p.knownAtMs);
  if (s.askAfterMs === null) return { askAtMs: null, deadlineMs };
  const askAtMs = Math.max(p.silenceFromMs + s.askAfterMs, p.knownAtMs);
  return { askAtMs: askAtMs < deadlineMs ? askAtMs : null, deadlineMs };
}

export type TurnEnd = { atMs: number; by: "model" | "silence" } | null;

/**
 * The outcome of one pause: the turn ends at the model's verdict (asked at
 * `askAtMs`, answering `verdict.ms` later) when it says complete before both
 * the caller's next speech and the silence deadline; else at the deadline
 * if the caller is still silent then; else not at all (the caller resumed).
 */
export function resolvePause(
  plan: PausePlan,
  verdict: { complete: boolean; ms: number } | null,
  resumedAtMs: number,
): TurnEnd {
  if (plan.askAtMs !== null && verdict?.complete) {
    const at = plan.askAtMs + verdict.ms;
    if (at < resumedAtMs && at < plan.deadlineMs) return { atMs: at, by: "model" };
  }
  return plan.deadlineMs < resumedAtMs ? { atMs: plan.deadlineMs, by: "silence" } : null;
}
