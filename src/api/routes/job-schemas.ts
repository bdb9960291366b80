import { z } from "zod";
import { JOB_STATUSES } from "../../store/repos/job-record.js";

/** Response shapes of /v1/jobs, for the OpenAPI document (the queue's Job records, times as ISO 8601). */
const ms = z.iso.datetime().describe("ISO 8601, UTC");

const jobError = z.object({
  name: z.string(),
  message: z.string(),
  code: z.string().optional(),
  retryable: z.boolean().optional(),
});

export const jobSchema = z.object({
  id: z.number().int(),
  kind: z.string(),
  payload: z.unknown(),
  status: z.enum(JOB_STATUSES),
  priority: z.number().int(),
  runAt: ms,
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  idempotencyKey: z.string().nullable(),
  lockedBy: z.string().nullable(),
  leaseUntil: ms.nullable(),
  lastError: jobError.nullable(),
  result: z.unknown(),
  createdAt: ms,
  updatedAt: ms,
  startedAt: ms.nullable(),
  finishedAt: ms.nullable(),
});

const jobEventSchema = z.object({
  id: z.number().int(),
  jobId: z.number().int(),
  at: ms,
  type: z.enum([
    "enqueued",
    "claimed",
    "succeeded",
    "failed",
    "dead",
    "released",
    "lease_expired",
    "cancelled",
    "requeued",
  ]),
  attempt: z.number().int(),
  workerId: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const jobDetailSchema = jobSchema.extend({
  events: z.array(jobEventSchema).describe("the job's audit trail, oldest first"),
});
