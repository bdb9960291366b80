import { describeError, ParleyError } from "../../lib/errors.js";

export type { FailureStage, TurnFailure } from "../../store/records/call-turn.js";
import type { FailureStage, TurnFailure } from "../../store/records/call-turn.js";

const MAX_MESSAGE = 300;

/** An error tagged with the stage of the turn it came from. */
export class TurnStageError extends ParleyError {
  constructor(
    readonly stage: FailureStage,
    cause: unknown,
  ) {
    super(`turn_${stage}_failed`, describeError(cause), { cause });
    this.name = "TurnStageError";
  }
}

/** Runs `fn`, tagging anything it throws (an abort excepted) with `stage`. */
export async function atStage<T>(stage: FailureStage, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (signal.aborted || err instanceof TurnStageError) throw err;
    throw new TurnStageError(stage, err);
  }
}

export function failureOf(err: unknown): TurnFailure {
  const stage = err instanceof TurnStageError ? err.stage : "internal";
  return { stage, message: describeError(err).slice(0, MAX_MESSAGE) };
}
