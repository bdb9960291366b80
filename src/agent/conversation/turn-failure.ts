import { describeError, ParleyError } from "../../lib/errors.js";

/**
 * Where a turn failed. "context": the prompt could not be made to fit the
 * model's context (system prompt and tools too big for it); "llm": the model
 * threw; "tool": a tool's handler threw (a tool's own error result, such as an
 * HTTP service that does not answer, is not a failure: the model reads it and
 * answers); "tts": synthesis threw; "internal": anything else.
 */
export type FailureStage = "context" | "llm" | "tool" | "tts" | "internal";

/** Why a turn failed, as recorded on the turn (a short single line, no caller data). */
export interface TurnFailure {
  stage: FailureStage;
  message: string;
}

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
