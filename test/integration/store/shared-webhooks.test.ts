import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { startReceiver, type Receiver } from "../api/webhook-receiver.js";
import { waitFor } from "../jobs/helpers.js";

// Two nodes on one PostgreSQL store: one set of webhook endpoints, one queue, one event log, and every node's events
// delivered with the event it published, whichever node runs the delivery.
const skip = await postgresUnavailable();

describe.skipIf(skip)(`webhooks shared by two nodes${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const nodes: TestApp[] = [];
  const schema = scratchSchema();
  let rx: Receiver;

  beforeAll(async () => {
    rx = await startReceiver();
    for (let i = 0; i < 2; i++)
      nodes.push(
        await createTestApp({
          config: {
            store: { url: testPostgresUrl, schema: schema.schema, poolSize: 2 },
            webhooks: { maxAttempts: 2, timeoutMs: 2000, allowHosts: ["127.0.0.1"] },
          },
        }),
      );
  }, 180_000);

  afterAll(async () => {
    for (const t of nodes) await t.close();
    await rx?.close();
    await schema.drop();
  });

  /** An endpoint made through node t's API; its id. */
  const createEndpoint = async (t: TestApp, name: string, events: string[]): Promise<number> => {
    const created = await t.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, url: rx.url(`/${name}`), events }),
    });
    expect(created.status).toBe(201);
    return ((await created.json()) as { id: number }).id;
  };

  const urgent = (t: TestApp, summary: string) =>
    t.services.bus.publish("voicemail.urgent", "voicemail:1", {
      voicemailId: 1,
      urgency: 5,
      summary,
      callbackNumber: null,
      reason: "test",
    });

  it("an endpoint made on node a receives node b's event once, with b's event, though a runs the job; each with its own id from the one log", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    const endpointId = await createEndpoint(a, "crm", ["voicemail.urgent"]);
    // Node b lists it too: one table.
    expect(((await (await b.request(`/v1/webhooks/${endpointId}`)).json()) as { name: string }).name).toBe("crm");

    // One log: the two nodes' events have ids of one sequence.
    const onB = await urgent(b, "published on b");
    const onA = await urgent(a, "published on a");
    expect(onA.id).toBeGreaterThan(onB.id);

    // Only node a runs jobs: it must send b's event as b stored it, not a's event of the same id.
    a.startWorker();
    const jobs = async () => (await a.services.queue.list({ kind: "webhook.deliver" })).jobs;
    await waitFor(
      async () => {
        const all = await jobs();
        return all.length === 2 && all.every((j) => j.status === "succeeded");
      },
      "both deliveries succeeded",
      30_000,
    );
    const bodies = rx.to("/crm").map((r) => JSON.parse(r.body) as { id: number; data: { summary: string } });
    expect(bodies).toHaveLength(2);
    expect(new Map(bodies.map((x) => [x.id, x.data.summary]))).toEqual(
      new Map([
        [onB.id, "published on b"],
        [onA.id, "published on a"],
      ]),
    );
    // The ids are the one log's, so the idempotency keys need no node.
    const keys = rx.to("/crm").map((r) => r.headers["idempotency-key"]);
    expect(new Set(keys)).toEqual(
      new Set([`event-${onA.id}-endpoint-${endpointId}`, `event-${onB.id}-endpoint-${endpointId}`]),
    );
    // One delivery log, with each attempt's event type, read through either node.
    const log = (await (await b.request(`/v1/webhooks/${endpointId}/deliveries`)).json()) as {
      items: Array<{ eventId: number; eventType: string; statusCode: number; idempotencyKey: string }>;
    };
    expect(log.items).toHaveLength(2);
    expect(log.items.every((d) => d.eventType === "voicemail.urgent" && d.statusCode === 200)).toBe(true);
    expect(new Set(log.items.map((d) => d.idempotencyKey))).toEqual(new Set(keys));
  }, 120_000);

  it("one event sent to a named endpoint from both nodes (a routing step run again elsewhere after a crash) is one delivery", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    await createEndpoint(b, "on-call", ["voicemail.received"]);
    const event = await urgent(a, "routed twice");
    const first = await a.features.webhooks.deliverTo("on-call", event.id);
    const again = await b.features.webhooks.deliverTo("on-call", event.id);
    expect(again.job.id).toBe(first.job.id);
    expect(again.created).toBe(false);
  }, 60_000);
});
