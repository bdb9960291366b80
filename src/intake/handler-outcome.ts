import { describeError, ParleyError } from "../lib/errors.js";

/** How an intake treats a handler's failure. */
export interface HandlerFailure {
  /** The recording itself was refused (bad audio, too long): never offered again. */
  permanent: boolean;
  message: string;
}

/** Reads a handler's rejection: a non-retryable ParleyError with a 4xx status is permanent, anything else temporary. */
export function classifyFailure(err: unknown): HandlerFailure {
  const permanent = err instanceof ParleyError && !err.retryable && err.status >= 400 && err.status < 500;
  return { permanent, message: describeError(err) };
}
