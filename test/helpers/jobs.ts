import type { TestApp } from "./app.js";

/**
 * The jobs of one kind, oldest first, read through the app's queue: the same on SQLite and on PostgreSQL
 * (PARLEY_TEST_STORE=postgres), where the SQLite handle has no jobs. Payload, result and error are parsed.
 */
export async function jobsOf(t: Pick<TestApp, "services">, kind: string) {
  return (await t.services.queue.list({ kind, limit: 500 })).jobs
    .map((j) => ({
      id: j.id,
      status: j.status,
      attempts: j.attempts,
      key: j.idempotencyKey,
      payload: j.payload,
      result: j.result,
      lastError: j.lastError,
    }))
    .sort((a, b) => a.id - b.id);
}
