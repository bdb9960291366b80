import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEventRelay } from "../../../src/app/event-relay.js";
import type { PostgresEventRelay } from "../../../src/events/relay/index.js";
import type { PublishedEvent } from "../../../src/events/types.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { readSse, type SseReader } from "../api/sse-reader.js";

/**
 * Two nodes (two app instances) on one
 * PostgreSQL (store.url): an event published on one reaches SSE clients on
 * both, once, and only its origin's webhooks hear it.
 */
const skip = await postgresUnavailable();

describe.skipIf(skip !== null)(`events across nodes${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const nodes: TestApp[] = [];
  const relays: PostgresEventRelay[] = [];
  const readers: SseReader[] = [];
  const schema = scratchSchema();
  /** What each node's own subscribers (webhook fan-out, MWI) were told. */
  const told: PublishedEvent[][] = [[], []];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const t = await createTestApp({
        config: { store: { url: testPostgresUrl, schema: schema.schema, poolSize: 2 } },
      });
      nodes.push(t);
      await t.services.queue.open();
      const relay = startEventRelay(t.services, { receive: true })!;
      relays.push(relay);
      await relay.ready();
      t.services.bus.subscribe((e) => told[i]!.push(e));
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(readers.map((r) => r.close()));
    for (const r of relays) await r.close();
    for (const t of nodes) {
      await t.services.queue.close();
      await t.close();
    }
    await schema.drop();
  });

  async function stream(t: TestApp): Promise<SseReader> {
    const res = await t.request("/v1/events");
    expect(res.status).toBe(200);
    const r = readSse(res);
    readers.push(r);
    return r;
  }

  it("an event published on one node reaches SSE clients on both, once each; the other node's webhooks do not hear it", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    const onA = await stream(a);
    const onB = await stream(b);
    const published = await a.services.bus.publish("voicemail.updated", "voicemail:41", {
      voicemailId: 41,
      status: "handled",
    });
    const [fromB] = await onB.next(1, { timeoutMs: 20_000 });
    const envelope = JSON.parse(fromB!.data!) as { type: string; createdAt: string; data: unknown };
    expect(fromB!.event).toBe("voicemail.updated");
    expect(envelope).toMatchObject({
      type: "voicemail.updated",
      createdAt: new Date(published.createdAt).toISOString(),
      data: { voicemailId: 41, status: "handled" },
    });
    const [fromA] = await onA.next(1, { timeoutMs: 20_000 });
    expect(Number(fromA!.id)).toBe(published.id);

    // One more event from B, so A's echo (had it come back) would be in A's stream before it.
    await b.services.bus.publish("voicemail.updated", "voicemail:42", { voicemailId: 42, status: "handled" });
    const [next] = await onA.next(1, { timeoutMs: 20_000 });
    expect(JSON.parse(next!.data!)).toMatchObject({ data: { voicemailId: 42 } });
    await relays[0]!.flushed();
    await relays[1]!.flushed();
    // One log: each event is in it once, read alike through either node.
    for (const t of nodes) {
      const subjects = (await t.services.bus.since(0)).map((e) => e.subject);
      expect(subjects.filter((s) => s === "voicemail:41")).toHaveLength(1);
      expect(subjects.filter((s) => s === "voicemail:42")).toHaveLength(1);
    }
    // Webhook fan-out and the other subscribers run where the event happened, only there.
    expect(told[0]!.map((e) => e.subject)).toContain("voicemail:41");
    expect(told[0]!.map((e) => e.subject)).not.toContain("voicemail:42");
    expect(told[1]!.map((e) => e.subject)).toEqual(["voicemail:42"]);
  }, 60_000);

  it("an event larger than a NOTIFY payload (8000 bytes) arrives whole", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    const onB = await stream(b);
    const summary = "Le client a appelé à propos de sa facture — 📞 ".repeat(600);
    expect(Buffer.byteLength(summary)).toBeGreaterThan(20_000);
    await a.services.bus.publish("voicemail.processed", "voicemail:43", {
      voicemailId: 43,
      status: "processed",
      urgency: 1,
      category: "billing",
      summary,
    });
    const [got] = await onB.next(1, { timeoutMs: 20_000 });
    expect(JSON.parse(got!.data!)).toMatchObject({ type: "voicemail.processed", data: { voicemailId: 43, summary } });
  }, 60_000);
});
