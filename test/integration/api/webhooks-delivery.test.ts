import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isoTime } from "../../../src/lib/iso-time.js";
import { verifySignature } from "../../../src/lib/signature.js";
import { deliveryKey } from "../../../src/webhooks/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { jobsOf as jobsOfApp } from "../../helpers/jobs.js";
import { waitFor } from "../jobs/helpers.js";
import { startReceiver, type Receiver } from "./webhook-receiver.js";

let t: TestApp;
let rx: Receiver;
// Runs on either engine (PARLEY_TEST_STORE=postgres): jobs are read through the queue, the log through the API.
beforeEach(async () => {
  t = await createTestApp({ config: { webhooks: { maxAttempts: 3, timeoutMs: 500, allowHosts: ["127.0.0.1"] } } });
  rx = await startReceiver();
});
afterEach(async () => {
  await t.close();
  await rx.close();
});

interface Created {
  id: number;
  secret: string;
}

async function endpoint(name: string, events: string[], o: { enabled?: boolean } = {}): Promise<Created> {
  const res = await t.request("/v1/webhooks", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, url: rx.url(`/${name}`), events, ...o }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
}

const urgent = () =>
  t.services.bus.publish("voicemail.urgent", "voicemail:7", {
    voicemailId: 7,
    urgency: 5,
    summary: "Pipe burst",
    callbackNumber: "+15550100",
    reason: "flooding",
  });
const jobsOf = (kind: string) => jobsOfApp(t, kind);
const settled = () =>
  waitFor(async () => {
    const jobs = await jobsOf("webhook.deliver");
    return jobs.length > 0 && jobs.every((j) => ["succeeded", "dead"].includes(j.status));
  }, "webhook jobs settled");
/** The Idempotency-Key of an event to an endpoint. */
const keyOf = (eventId: number, endpointId: number) => deliveryKey(eventId, endpointId);
/** Waits until the fan-out queued `n` deliveries (with store.url it reads the endpoints asynchronously). */
const queued = (n: number) =>
  waitFor(async () => (await jobsOf("webhook.deliver")).length >= n, `${n} deliveries queued`);

describe("webhook delivery", () => {
  it("fans an event out by type and '*', skips disabled and unsubscribed endpoints, and signs each body", async () => {
    const byType = await endpoint("by-type", ["voicemail.urgent"]);
    const all = await endpoint("all", ["*"]);
    await endpoint("disabled", ["voicemail.urgent"], { enabled: false });
    await endpoint("forms-only", ["form.submitted"]);
    t.startWorker();
    const event = await urgent();
    await settled();
    expect(rx.requests.map((r) => r.path).sort()).toEqual(["/all", "/by-type"]);
    for (const [path, secret, id] of [
      ["/by-type", byType.secret, byType.id],
      ["/all", all.secret, all.id],
    ] as const) {
      const [req] = rx.to(path);
      expect(req?.method).toBe("POST");
      const body = JSON.parse(req?.body ?? "") as unknown;
      expect(body).toEqual({
        id: event.id,
        type: "voicemail.urgent",
        createdAt: new Date(event.createdAt).toISOString(),
        data: event.data,
      });
      expect(req?.headers).toMatchObject({
        "content-type": "application/json",
        "parley-event": "voicemail.urgent",
        "idempotency-key": keyOf(event.id, id),
      });
      expect(req?.headers["parley-delivery"]).toMatch(/^\d+$/);
      expect(req?.headers["user-agent"]).toMatch(/^Parley-Webhooks\//);
      const signature = req?.headers["parley-signature"] as string;
      expect(verifySignature(signature, secret, req?.body ?? "", Math.floor(Date.now() / 1000))).toBe(true);
      expect(verifySignature(signature, "whsec_wrong", req?.body ?? "", Math.floor(Date.now() / 1000))).toBe(false);
    }
  });

  it("retries a failed attempt with the same Idempotency-Key and delivery id, and logs every attempt", async () => {
    const hook = await endpoint("flaky", ["voicemail.urgent"]);
    rx.script("/flaky", [500, 204]);
    t.startWorker();
    const event = await urgent();
    await settled();
    const [first, second] = rx.to("/flaky");
    expect(rx.to("/flaky")).toHaveLength(2);
    expect(first?.headers["idempotency-key"]).toBe(keyOf(event.id, hook.id));
    expect(second?.headers["idempotency-key"]).toBe(first?.headers["idempotency-key"]);
    expect(second?.headers["parley-delivery"]).toBe(first?.headers["parley-delivery"]);
    expect(second?.body).toBe(first?.body);
    expect(
      verifySignature(
        second?.headers["parley-signature"] as string,
        hook.secret,
        second?.body ?? "",
        Math.floor(Date.now() / 1000),
      ),
    ).toBe(true);
    expect(await jobsOf("webhook.deliver")).toMatchObject([{ status: "succeeded", attempts: 2 }]);

    const page1 = (await (await t.request(`/v1/webhooks/${hook.id}/deliveries?limit=1`)).json()) as {
      items: Array<Record<string, unknown>>;
      nextCursor: number;
    };
    expect(page1.items).toEqual([
      expect.objectContaining({
        endpointId: hook.id,
        eventId: event.id,
        eventType: "voicemail.urgent",
        attempt: 2,
        statusCode: 204,
        error: null,
        idempotencyKey: first?.headers["idempotency-key"],
      }),
    ]);
    expect(page1.nextCursor).toEqual(page1.items[0]?.id);
    const page2 = (await (
      await t.request(`/v1/webhooks/${hook.id}/deliveries?limit=1&cursor=${page1.nextCursor}`)
    ).json()) as { items: Array<Record<string, unknown>>; nextCursor: number | null };
    expect(page2).toEqual({
      items: [expect.objectContaining({ attempt: 1, statusCode: 500, error: "HTTP 500" })],
      nextCursor: null,
    });
    expect(page2.items[0]?.durationMs).toEqual(expect.any(Number));
  });

  it("dead-letters after maxAttempts without announcing job.dead for its own jobs, while other dead jobs are delivered", async () => {
    await endpoint("down", ["*"]);
    rx.script("/down", [503]);
    t.startWorker();
    await urgent();
    const job = await waitFor(
      async () => (await jobsOf("webhook.deliver")).find((j) => j.status === "dead"),
      "the delivery dead-lettered",
    );
    expect(job).toMatchObject({ attempts: 3 });
    expect(rx.to("/down")).toHaveLength(3);
    const deadEvents = (await t.services.bus.since(0, 10_000)).filter((e) => e.type === "job.dead");
    expect(deadEvents).toHaveLength(0);

    // Another kind of job dying is an event like any other, delivered to '*'.
    rx.script("/down", [200]);
    // A wrong payload on purpose (the compile-time check bypassed, as untyped input would): the job dies.
    const { job: bad } = await t.services.queue.enqueue({
      kind: "sleep",
      payload: { ms: "never" } as unknown as { ms: number },
    });
    await waitFor(() => rx.to("/down").find((r) => r.headers["parley-event"] === "job.dead"), "job.dead delivered");
    const delivered = rx.to("/down").find((r) => r.headers["parley-event"] === "job.dead");
    expect(JSON.parse(delivered?.body ?? "")).toMatchObject({
      type: "job.dead",
      data: { jobId: bad.id, kind: "sleep", attempts: 1 },
    });
  });

  it("deliverTo sends to a named endpoint once, even when the fan-out also queued it; unknown and disabled names are clear errors", async () => {
    const onCall = await endpoint("on-call", ["voicemail.urgent"]);
    await endpoint("pager", ["form.submitted"]);
    await endpoint("paused", ["*"], { enabled: false });
    t.startWorker();
    const event = await urgent();
    await queued(1);
    const again = await t.features.webhooks.deliverTo("on-call", event.id);
    expect(again.created).toBe(false); // the fan-out got there first, with the same key
    const direct = await t.features.webhooks.deliverTo("pager", event.id);
    expect(direct).toMatchObject({
      created: true,
      job: { kind: "webhook.deliver", idempotencyKey: keyOf(event.id, direct.job.payload.endpointId) },
    });
    await settled();
    expect(rx.to("/on-call")).toHaveLength(1);
    expect(rx.to("/pager")).toHaveLength(1);
    expect(rx.to("/on-call")[0]?.headers["idempotency-key"]).toBe(keyOf(event.id, onCall.id));
    await expect(t.features.webhooks.deliverTo("no-such-hook", event.id)).rejects.toMatchObject({
      code: "webhook_endpoint_unknown",
      message: expect.stringContaining("no webhook endpoint is named 'no-such-hook'"),
    });
    await expect(t.features.webhooks.deliverTo("paused", event.id)).rejects.toMatchObject({
      code: "webhook_endpoint_disabled",
    });
    await expect(t.features.webhooks.deliverTo("pager", 999_999)).rejects.toMatchObject({
      code: "webhook_event_not_found",
    });
  });

  it("POST /test sends a webhook.test event to that endpoint only", async () => {
    const target = await endpoint("target", ["voicemail.urgent"]);
    await endpoint("bystander", ["*"]);
    t.startWorker();
    const res = await t.request(`/v1/webhooks/${target.id}/test`, { method: "POST" });
    expect(res.status).toBe(202);
    const { eventId, jobId } = (await res.json()) as { eventId: number; jobId: number };
    await settled();
    expect(rx.requests.map((r) => r.path)).toEqual(["/target"]);
    expect(rx.requests[0]?.headers).toMatchObject({ "parley-event": "webhook.test", "parley-delivery": String(jobId) });
    expect(JSON.parse(rx.requests[0]?.body ?? "")).toMatchObject({
      id: eventId,
      type: "webhook.test",
      data: { endpointId: target.id, endpoint: "target" },
    });
  });

  it("carries the event in the job, and still delivers a job queued with ids only from this node's event log", async () => {
    const hook = await endpoint("legacy", ["form.submitted"]);
    const event = await urgent(); // no endpoint hears it: nothing queued
    // A payload as queued before the event travelled with its delivery.
    const { job: old } = await t.services.queue.enqueue({
      kind: "webhook.deliver",
      payload: { endpointId: hook.id, eventId: event.id },
    });
    const sent = await t.features.webhooks.deliverTo("legacy", event.id);
    expect(sent.job.payload).toEqual({
      endpointId: hook.id,
      eventId: event.id,
      event: { id: event.id, type: "voicemail.urgent", data: event.data, createdAt: isoTime(event.createdAt) },
    });
    t.startWorker();
    await settled();
    const received = rx.to("/legacy");
    expect(received.map((r) => r.headers["parley-delivery"]).sort()).toEqual(
      [String(old.id), String(sent.job.id)].sort(),
    );
    for (const r of received)
      expect(JSON.parse(r.body)).toMatchObject({ id: event.id, type: "voicemail.urgent", data: event.data });
  });

  it("does not follow redirects, gives up on a silent receiver after the timeout, and skips endpoints deleted or disabled meanwhile", async () => {
    const moved = await endpoint("moved", ["voicemail.urgent"]);
    const silent = await endpoint("silent", ["voicemail.urgent"]);
    const deleted = await endpoint("deleted", ["voicemail.urgent"]);
    const disabled = await endpoint("later-off", ["voicemail.urgent"]);
    rx.script("/moved", [{ status: 302, headers: { location: rx.url("/elsewhere") } }]);
    rx.script("/silent", ["hang"]);
    const event = await urgent(); // queued now, no worker yet
    await queued(4);
    await t.request(`/v1/webhooks/${deleted.id}`, { method: "DELETE" });
    await t.request(`/v1/webhooks/${disabled.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ enabled: false }),
    });
    t.startWorker();
    await waitFor(
      async () => (await jobsOf("webhook.deliver")).filter((j) => j.status === "dead").length === 2,
      "both failing deliveries dead",
      20_000,
    );
    expect(rx.to("/elsewhere")).toHaveLength(0);
    const log = async (id: number) =>
      (await t.services.sql.all(
        'SELECT status_code AS "statusCode", error FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id',
        [id],
      )) as Array<{ statusCode: number | null; error: string | null }>;
    expect((await log(moved.id))[0]).toEqual({
      statusCode: 302,
      error: "HTTP 302: redirects are not followed; configure the final URL",
    });
    expect((await log(silent.id))[0]).toEqual({ statusCode: null, error: "no response within 500 ms" });
    const results = (await jobsOf("webhook.deliver")).filter((j) => j.status === "succeeded");
    expect(results.map((r) => [r.payload, r.result])).toEqual(
      expect.arrayContaining([
        [expect.objectContaining({ endpointId: deleted.id, eventId: event.id }), { skipped: "endpoint_deleted" }],
        [expect.objectContaining({ endpointId: disabled.id, eventId: event.id }), { skipped: "endpoint_disabled" }],
      ]),
    );
  });
});
