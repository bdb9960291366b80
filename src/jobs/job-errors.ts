import { ParleyError, type ParleyErrorOptions } from "../lib/errors.js";
import type { JobErrorInfo } from "./types.js";

/** The job is no longer leased to this worker: it expired and was claimed again, or was cancelled. */
export class JobLeaseLostError extends ParleyError {
  constructor(id: number, workerId: string) {
    super("job_lease_lost", `job ${id} is no longer leased to worker ${workerId}`, { status: 409 });
    this.name = "JobLeaseLostError";
  }
}

export class JobNotFoundError extends ParleyError {
  constructor(id: number) {
    super("job_not_found", `job ${id} does not exist`, { status: 404 });
    this.name = "JobNotFoundError";
  }
}

/** An operation the job's current status does not allow (cancel a finished job, retry a running one). */
export class JobStateError extends ParleyError {
  constructor(message: string, options: ParleyErrorOptions = {}) {
    super("job_invalid_state", message, { status: 409, ...options });
    this.name = "JobStateError";
  }
}

/** A task ran past its timeout. Retryable: a slow run may be a busy machine. */
export class JobTimeoutError extends ParleyError {
  constructor(kind: string, timeoutMs: number) {
    super("job_timeout", `${kind} job ran longer than ${timeoutMs} ms`, { status: 504, retryable: true });
    this.name = "JobTimeoutError";
  }
}

/** A payload or result that cannot be stored as JSON. */
export class JobJsonError extends ParleyError {
  constructor(what: string, cause: unknown) {
    super("job_invalid_json", `${what} is not JSON-serialisable: ${(cause as Error).message}`, { status: 400, cause });
    this.name = "JobJsonError";
  }
}

const MAX_MESSAGE = 2000;

/** What the queue keeps of a thrown value: name, code, message (bounded), retryable. */
export function toJobError(err: unknown): JobErrorInfo {
  if (err instanceof Error) {
    const info: JobErrorInfo = { name: err.name, message: err.message.slice(0, MAX_MESSAGE) };
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string") info.code = code;
    if (err instanceof ParleyError) info.retryable = err.retryable;
    return info;
  }
  return { name: "Error", message: String(err).slice(0, MAX_MESSAGE) };
}

/** Whether a task failure should be retried: a ParleyError says so itself; anything else is presumed transient. */
export function isRetryable(err: unknown): boolean {
  return err instanceof ParleyError ? err.retryable : true;
}

/** JSON text for a payload or result; `undefined` is stored as null. */
export function toJson(value: unknown, what: string): string {
  try {
    const text = JSON.stringify(value ?? null) as string | undefined;
    if (text === undefined) throw new TypeError(`${typeof value} has no JSON form`);
    return text;
  } catch (err) {
    throw new JobJsonError(what, err);
  }
}
