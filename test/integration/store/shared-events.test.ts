import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEventRelay } from "../../../src/app/event-relay.js";
import type { PostgresEventRelay } from "../../../src/events/relay/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { readSse, type SseMessage, type SseReader } from "../api/sse-reader.js";

// Two nodes on one PostgreSQL store share one event log: `?since` on either lists both nodes' events in one order,
// and an SSE client that moves to the other node resumes there with its Last-Event-ID (no sticky sessions).
const skip = await postgresUnavailable();

describe.skipIf(skip)(`the event log shared by two nodes${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const nodes: TestApp[] = [];
  const relays: PostgresEventRelay[] = [];
  const readers: SseReader[] = [];
  const schema = scratchSchema();

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const t = await createTestApp({
        registerTasks: false,
        config: { store: { url: testPostgresUrl, schema: schema.schema, poolSize: 2 } },
      });
      nodes.push(t);
      const relay = startEventRelay(t.services, { receive: true })!;
      relays.push(relay);
      await relay.ready();
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(readers.map((r) => r.close()));
    for (const r of relays) await r.close();
    for (const t of nodes) await t.close();
    await schema.drop();
  });

  async function stream(t: TestApp, query = "", headers: Record<string, string> = {}): Promise<SseReader> {
    const res = await t.request(`/v1/events${query}`, { headers });
    expect(res.status).toBe(200);
    const r = readSse(res);
    readers.push(r);
    return r;
  }
  const publish = (t: TestApp, n: number) =>
    t.services.bus.publish("voicemail.updated", `voicemail:${n}`, { voicemailId: n, status: "handled" });
  const ids = (messages: SseMessage[]) => messages.map((m) => Number(m.id));
  const subjects = (messages: SseMessage[]) =>
    messages.map((m) => (JSON.parse(m.data ?? "null") as { data: { voicemailId: number } }).data.voicemailId);

  it("?since on node b lists node a's events with its own, in one order", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    const start = await b.services.bus.latestId();
    const published = [await publish(a, 1), await publish(b, 2), await publish(a, 3)];
    const onB = await stream(b, `?since=${start}`);
    const got = await onB.next(3, { timeoutMs: 20_000 });
    expect(ids(got)).toEqual(published.map((e) => e.id));
    expect(subjects(got)).toEqual([1, 2, 3]);
    const onA = await stream(a, `?since=${start}`);
    expect(ids(await onA.next(3, { timeoutMs: 20_000 }))).toEqual(published.map((e) => e.id));
  }, 60_000);

  it("a client of node a resumes on node b with Last-Event-ID, without loss or duplicates, then goes live there", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    const onA = await stream(a);
    const first = [await publish(a, 10), await publish(a, 11)];
    const seen = await onA.next(2, { timeoutMs: 20_000 });
    expect(ids(seen)).toEqual(first.map((e) => e.id));
    // The client drops after 11; while it is away, both nodes publish.
    await onA.close();
    const missed = [await publish(a, 12), await publish(b, 13), await publish(a, 14)];
    // The EventSource reconnects through the load balancer, to node b this time.
    const onB = await stream(b, "", { "last-event-id": seen[1]!.id! });
    const replayed = await onB.next(3, { timeoutMs: 20_000 });
    expect(ids(replayed)).toEqual(missed.map((e) => e.id));
    expect(subjects(replayed)).toEqual([12, 13, 14]);
    // Live: node a's next event reaches node b's client (the relay's wake-up; the poll otherwise), once.
    const live = await publish(a, 15);
    expect(ids(await onB.next(1, { timeoutMs: 20_000 }))).toEqual([live.id]);
    await relays[0]!.flushed();
    const after = await publish(b, 16);
    expect(ids(await onB.next(1, { timeoutMs: 20_000 }))).toEqual([after.id]);
    expect(onB.pending()).toEqual([]);
  }, 60_000);
});
