import { ParleyError } from "../lib/errors.js";
import { toJson } from "./job-errors.js";
import type { NewJob } from "./types.js";

/** Job kinds are lower-case words joined by '.', '_' or '-' (voicemail.process, webhook.deliver). */
export const KIND_PATTERN = /^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$/;

export interface CheckedJob {
  kind: string;
  payload: string;
  priority: number;
  runAt: number | undefined;
  maxAttempts: number;
  idempotencyKey: string | null;
}

/** Validates a new job and serialises its payload; throws a 400 ParleyError naming the field. */
export function checkNewJob(job: NewJob<unknown>, defaultMaxAttempts: number): CheckedJob {
  if (typeof job.kind !== "string" || !KIND_PATTERN.test(job.kind))
    invalid("kind", `'${String(job.kind)}' is not a job kind (lower-case words joined by '.', '_' or '-')`);
  const priority = job.priority ?? 0;
  if (!Number.isSafeInteger(priority)) invalid("priority", "must be a whole number");
  if (job.runAt !== undefined && !Number.isSafeInteger(job.runAt))
    invalid("runAt", "must be milliseconds since the epoch");
  const maxAttempts = job.maxAttempts ?? defaultMaxAttempts;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1000)
    invalid("maxAttempts", "must be 1..1000");
  const key = job.idempotencyKey ?? null;
  if (key !== null && (typeof key !== "string" || key.length === 0 || key.length > 255))
    invalid("idempotencyKey", "must be 1..255 characters");
  return {
    kind: job.kind,
    payload: toJson(job.payload, `the payload of a ${job.kind} job`),
    priority,
    runAt: job.runAt,
    maxAttempts,
    idempotencyKey: key,
  };
}

/** A page size within 1..500 (default 50). */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) invalid("limit", "must be 1..500");
  return limit;
}

function invalid(field: string, reason: string): never {
  throw new ParleyError("job_invalid", `${field}: ${reason}`, { status: 400, details: { field } });
}
