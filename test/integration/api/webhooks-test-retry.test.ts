import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { waitFor } from "../jobs/helpers.js";
import { startReceiver, type Receiver } from "./webhook-receiver.js";

/**
 * "Send a test" and "Retry" as the console uses them, against a real receiver on 127.0.0.1: the test event is
 * really delivered and logged with its delivery's state; a delivery that gave up is sent again on Retry.
 */
let t: TestApp;
let rx: Receiver;
beforeAll(async () => {
  t = await createTestApp({ config: { webhooks: { maxAttempts: 2, timeoutMs: 2000, allowHosts: ["127.0.0.1"] } } });
  rx = await startReceiver();
  t.startWorker();
}, 120_000);
afterAll(async () => {
  await t?.close();
  await rx?.close();
});

interface Attempt {
  id: number;
  eventType: string | null;
  jobId: number | null;
  attempt: number;
  statusCode: number | null;
  delivery: { jobId: number; status: string; attempts: number; maxAttempts: number; nextAttemptAt: string | null };
}
async function endpoint(name: string): Promise<number> {
  const res = await t.request("/v1/webhooks", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, url: rx.url(`/${name}`), events: ["voicemail.urgent"] }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: number }).id;
}
const log = async (id: number) =>
  ((await (await t.request(`/v1/webhooks/${id}/deliveries`)).json()) as { items: Attempt[] }).items;
const settled = (id: number, status: string, attempts: number) =>
  waitFor(async () => {
    const items = await log(id);
    return items.length >= attempts && items[0]?.delivery.status === status ? items : null;
  }, `delivery ${status} after ${attempts} attempt(s)`);

describe("webhook test delivery and retry", () => {
  it("delivers a test event to the receiver and logs it with its job, response code and state", async () => {
    const id = await endpoint("ops");
    const sent = await t.request(`/v1/webhooks/${id}/test`, { method: "POST" });
    expect(sent.status).toBe(202);
    const { jobId, eventId } = (await sent.json()) as { jobId: number; eventId: number };
    const [attempt] = await settled(id, "succeeded", 1);
    expect(attempt).toMatchObject({
      eventType: "webhook.test",
      jobId,
      attempt: 1,
      statusCode: 200,
      delivery: { jobId, status: "succeeded", attempts: 1, maxAttempts: 2, nextAttemptAt: null },
    });
    const [received] = rx.to("/ops");
    expect(received?.headers["parley-event"]).toBe("webhook.test");
    expect(JSON.parse(received?.body ?? "{}")).toMatchObject({ id: eventId, type: "webhook.test" });
    // A delivery that succeeded is not sent again.
    expect((await t.request(`/v1/webhooks/${id}/deliveries/${jobId}/retry`, { method: "POST" })).status).toBe(409);
  });

  it("retries a delivery that gave up, and refuses a job that is not this endpoint's delivery", async () => {
    const id = await endpoint("down");
    const other = await endpoint("other");
    rx.script("/down", [503]);
    const { jobId } = (await (await t.request(`/v1/webhooks/${id}/test`, { method: "POST" })).json()) as {
      jobId: number;
    };
    const failed = await settled(id, "dead", 2);
    expect(failed.map((a) => [a.attempt, a.statusCode])).toEqual([
      [2, 503],
      [1, 503],
    ]);
    expect((await t.request(`/v1/webhooks/${other}/deliveries/${jobId}/retry`, { method: "POST" })).status).toBe(404);
    expect((await t.request(`/v1/webhooks/${id}/deliveries/999999/retry`, { method: "POST" })).status).toBe(404);

    rx.script("/down", [200]);
    const retried = await t.request(`/v1/webhooks/${id}/deliveries/${jobId}/retry`, { method: "POST" });
    expect(retried.status).toBe(200);
    expect(await retried.json()).toMatchObject({ jobId, status: "queued", attempts: 0 });
    const after = await settled(id, "succeeded", 3);
    expect(after[0]).toMatchObject({ jobId, attempt: 1, statusCode: 200 });
    expect(rx.to("/down")).toHaveLength(3);
  });
});
