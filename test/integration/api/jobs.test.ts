import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { waitFor } from "../jobs/helpers.js";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

interface JobJson {
  id: number;
  kind: string;
  status: string;
  attempts: number;
  events?: Array<{ type: string }>;
}
type Page = { items: JobJson[]; nextCursor: number | null };

const get = async <T>(path: string): Promise<T> => {
  const res = await t.request(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};
const post = (path: string) => t.request(path, { method: "POST" });
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;
const enqueue = async (kind: string, payload: unknown = null) =>
  (await t.services.queue.enqueue({ kind, payload })).job;

describe("/v1/jobs", () => {
  it("lists newest first with kind and status filters and cursor pagination", async () => {
    const made = [
      await enqueue("noop"),
      await enqueue("sleep", { ms: 1 }),
      await enqueue("noop"),
      await enqueue("noop"),
    ];
    await t.services.queue.cancel(made[0]?.id ?? 0);
    const first = await get<Page>("/v1/jobs?kind=noop&limit=2");
    expect(first.items.map((j) => j.id)).toEqual([made[3]?.id, made[2]?.id]);
    expect(first.nextCursor).toBe(made[2]?.id);
    const second = await get<Page>(`/v1/jobs?kind=noop&limit=2&cursor=${first.nextCursor}`);
    expect(second).toMatchObject({ items: [{ id: made[0]?.id, status: "cancelled" }], nextCursor: null });
    expect((await get<Page>("/v1/jobs?status=cancelled")).items.map((j) => j.id)).toEqual([made[0]?.id]);
    expect((await get<Page>("/v1/jobs?kind=sleep&status=queued")).items.map((j) => j.kind)).toEqual(["sleep"]);
    expect((await get<Page>("/v1/jobs")).items).toHaveLength(4);
  });

  it("gets a job with its audit trail", async () => {
    t.startWorker();
    const job = await enqueue("noop");
    await waitFor(async () => (await t.services.queue.get(job.id))?.status === "succeeded", "noop ran");
    const got = await get<JobJson>(`/v1/jobs/${job.id}`);
    expect(got).toMatchObject({ id: job.id, kind: "noop", status: "succeeded", attempts: 1 });
    expect(got.events?.map((e) => e.type)).toEqual(["enqueued", "claimed", "succeeded"]);
  });

  it("retries a dead job and cancels a queued one; 409 when the state does not allow it", async () => {
    t.startWorker();
    const bad = await enqueue("sleep", { ms: "soon" });
    await waitFor(async () => (await t.services.queue.get(bad.id))?.status === "dead", "bad payload dead-lettered");
    const retried = await post(`/v1/jobs/${bad.id}/retry`);
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ id: bad.id, attempts: 0 });
    await waitFor(async () => (await t.services.queue.get(bad.id))?.status === "dead", "dead again");
    expect((await get<JobJson>(`/v1/jobs/${bad.id}`)).events?.map((e) => e.type)).toContain("requeued");

    const later = (await t.services.queue.enqueue({ kind: "noop", payload: null, runAt: Date.now() + 3_600_000 })).job;
    const refused = await post(`/v1/jobs/${later.id}/retry`);
    expect(refused.status).toBe(409);
    expect(await errorOf(refused)).toEqual({
      code: "job_invalid_state",
      message: `job ${later.id} is queued; only dead, failed or cancelled jobs can be retried`,
    });
    const cancelled = await post(`/v1/jobs/${later.id}/cancel`);
    expect([cancelled.status, ((await cancelled.json()) as JobJson).status]).toEqual([200, "cancelled"]);
    const again = await post(`/v1/jobs/${later.id}/cancel`);
    expect(again.status).toBe(409);
    expect((await errorOf(again)).message).toBe(
      `job ${later.id} is cancelled; only queued, failed or running jobs can be cancelled`,
    );
  });

  it("answers 404 for unknown jobs and 400 for bad filters", async () => {
    for (const [path, method] of [
      ["/v1/jobs/424242", "GET"],
      ["/v1/jobs/424242/retry", "POST"],
      ["/v1/jobs/424242/cancel", "POST"],
    ] as const) {
      const res = await t.request(path, { method });
      expect(res.status, path).toBe(404);
      expect(await errorOf(res)).toEqual({ code: "job_not_found", message: "job 424242 does not exist" });
    }
    expect((await t.request("/v1/jobs/nope")).status).toBe(404);
    for (const q of ["status=sleeping", "kind=Not A Kind", "limit=1000", "limit=0", "cursor=-1"]) {
      const res = await t.request(`/v1/jobs?${q}`);
      expect(res.status, q).toBe(400);
      expect((await errorOf(res)).code).toBe("invalid_request");
    }
  });

  it("needs an API key", async () => {
    expect((await t.app.request("/v1/jobs")).status).toBe(401);
    expect(
      (await t.app.request("/v1/jobs/1/retry", { method: "POST", headers: { authorization: "Bearer pk_nope" } }))
        .status,
    ).toBe(401);
  });
});
