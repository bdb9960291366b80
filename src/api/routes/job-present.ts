import type { JobEventRecord, JobRecord } from "../../store/repos/job-record.js";
import { isoTime, isoTimeOrNull } from "../../lib/iso-time.js";

/** Time fields an audit row's `detail` may carry (ms inside, ISO outside). */
const DETAIL_TIMES = new Set(["runAt", "leaseUntil"]);

/** A job as /v1/jobs shows it: the queue's record with ISO 8601 times. */
export function presentJob(j: JobRecord) {
  return {
    ...j,
    runAt: isoTime(j.runAt),
    leaseUntil: isoTimeOrNull(j.leaseUntil),
    createdAt: isoTime(j.createdAt),
    updatedAt: isoTime(j.updatedAt),
    startedAt: isoTimeOrNull(j.startedAt),
    finishedAt: isoTimeOrNull(j.finishedAt),
  };
}

export function presentJobEvent(e: JobEventRecord) {
  const detail =
    e.detail &&
    Object.fromEntries(
      Object.entries(e.detail).map(([k, v]) => [k, DETAIL_TIMES.has(k) && typeof v === "number" ? isoTime(v) : v]),
    );
  return { ...e, at: isoTime(e.at), detail };
}
