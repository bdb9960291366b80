import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventRoutes } from "../../../src/api/routes/events.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { waitFor } from "../jobs/helpers.js";
import { openDatabase } from "../../../src/store/index.js";
import { EventsRepo } from "../../../src/store/repos/events-repo.js";
import { createPostgresSql, SqliteSql, type SqlStore } from "../../../src/store/sql/index.js";
import { databaseFile } from "../../../src/config/paths.js";
import { readSse, type SseMessage, type SseReader } from "./sse-reader.js";

let t: TestApp;
const readers: SseReader[] = [];
beforeEach(async () => {
  t = await createTestApp({ registerTasks: false });
});
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()));
  await t.close();
});

async function open(query = "", headers: Record<string, string> = {}): Promise<SseReader> {
  const res = await t.request(`/v1/events${query}`, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  const reader = readSse(res);
  readers.push(reader);
  return reader;
}

const publish = (n: number) =>
  t.services.bus.publish("voicemail.updated", `voicemail:${n}`, { voicemailId: n, status: "handled" });
const ids = (messages: SseMessage[]) => messages.map((m) => Number(m.id));

describe("GET /v1/events (SSE)", () => {
  it("streams events as they are published: id, event type and the JSON envelope", async () => {
    await publish(0); // before the connection: not replayed without since / Last-Event-ID
    const sse = await open();
    const a = await publish(1);
    const b = await t.services.bus.publish("voicemail.urgent", "voicemail:2", {
      voicemailId: 2,
      urgency: 5,
      summary: "help",
      callbackNumber: null,
      reason: null,
    });
    const got = await sse.next(2);
    expect(got[0]).toEqual({
      id: String(a.id),
      event: "voicemail.updated",
      data: JSON.stringify({
        id: a.id,
        type: "voicemail.updated",
        createdAt: new Date(a.createdAt).toISOString(),
        data: { voicemailId: 1, status: "handled" },
      }),
    });
    expect(got[1]).toMatchObject({ id: String(b.id), event: "voicemail.urgent" });
    expect(JSON.parse(got[1]?.data ?? "")).toMatchObject({ data: { voicemailId: 2, urgency: 5 } });
  });

  it("filters by ?types", async () => {
    const sse = await open("?types=voicemail.urgent,job.dead");
    await publish(1);
    const dead = await t.services.bus.publish("job.dead", "job:9", { jobId: 9, kind: "noop", error: "x", attempts: 1 });
    await publish(2);
    expect(await sse.next(1)).toEqual([expect.objectContaining({ id: String(dead.id), event: "job.dead" })]);
  });

  it("resumes after Last-Event-ID with no gap and no duplicate, across replay pages and events published meanwhile", async () => {
    const first = await publish(0);
    for (let i = 1; i < 1200; i++) await publish(i); // more than one replay page (500)
    const sse = await open("", { "last-event-id": String(first.id) });
    // Published while the replay is being read: must come after it, once each.
    const live = [await publish(5000), await publish(5001)];
    const got = await sse.next(1201, { timeoutMs: 15_000 });
    const expected = Array.from({ length: 1199 }, (_, i) => first.id + 1 + i).concat(live.map((e) => e.id));
    expect(ids(got)).toEqual(expected);
    const later = await publish(6000);
    expect(ids(await sse.next(1))).toEqual([later.id]);
    expect(sse.pending()).toEqual([]);
  });

  it("resumes with ?since, and a reconnect's Last-Event-ID wins over the ?since of the first connection", async () => {
    const e = [await publish(1), await publish(2), await publish(3)];
    const bySince = await open(`?since=${e[0]?.id}`);
    expect(ids(await bySince.next(2))).toEqual([e[1]?.id, e[2]?.id]);
    const reconnect = await open(`?since=${e[0]?.id}`, { "last-event-id": String(e[1]?.id) });
    expect(ids(await reconnect.next(1))).toEqual([e[2]?.id]);
    const everything = await open("?since=0");
    expect(ids(await everything.next(3))).toEqual(e.map((x) => x.id));
  });

  it("picks up events another process stored in the same database, in order with local ones", async () => {
    const sse = await open();
    const local = await publish(1);
    // A separate process (`parley worker`, or another node with store.url) has its own connection and its own bus:
    // only the table is shared.
    const { store } = t.services.config;
    const handle = store.url ? null : openDatabase(databaseFile(t.services.config));
    const other: SqlStore = handle
      ? new SqliteSql(handle)
      : createPostgresSql({ url: store.url!, schema: store.schema, poolSize: 1 });
    try {
      const events = new EventsRepo(other);
      const remote = await events.insert("voicemail.processed", "voicemail:2", { voicemailId: 2 }, Date.now());
      const after = await publish(3);
      expect(ids(await sse.next(3))).toEqual([local.id, remote.id, after.id]);
      const lone = await events.insert("voicemail.processed", "voicemail:4", { voicemailId: 4 }, Date.now());
      expect(ids(await sse.next(1, { timeoutMs: 5000 }))).toEqual([lone.id]); // found by the poll, with nothing published here
    } finally {
      await other.close();
      handle?.close();
    }
  });

  it("accepts the key as ?api_key= (EventSource cannot send headers) and refuses bad parameters", async () => {
    expect((await t.app.request("/v1/events")).status).toBe(401);
    const viaQuery = await t.app.request(`/v1/events?api_key=${encodeURIComponent(t.key)}`);
    expect(viaQuery.status).toBe(200);
    readers.push(readSse(viaQuery));
    for (const [query, headers, message] of [
      ["?since=yesterday", {}, /since/],
      ["?types=voicemail.exploded", {}, /unknown event type voicemail\.exploded/],
      ["", { "last-event-id": "-3" }, /Last-Event-ID/],
    ] as const) {
      const res = await t.request(`/v1/events${query}`, { headers });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it("unsubscribes when the client disconnects", async () => {
    const before = t.services.bus.listenerCount;
    const sse = await open();
    await waitFor(() => t.services.bus.listenerCount === before + 1, "the stream subscribed");
    await publish(1);
    await sse.next(1);
    await sse.close();
    await waitFor(() => t.services.bus.listenerCount === before, "the stream unsubscribed");
  });

  it("sends a heartbeat comment while idle", async () => {
    const app = new Hono().route("/v1/events", eventRoutes(t.services, { heartbeatMs: 30 }));
    const sse = readSse(await app.request("/v1/events"));
    readers.push(sse);
    expect(await sse.next(2, { comments: true })).toEqual([{ comment: "heartbeat" }, { comment: "heartbeat" }]);
  });

  it("over a real socket: streams, then frees the subscription when the server closes its connections", async () => {
    const before = t.services.bus.listenerCount;
    const server: ServerType = await new Promise((resolve) => {
      const s = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    const sse = readSse(
      await fetch(`http://127.0.0.1:${port}/v1/events`, { headers: { authorization: `Bearer ${t.key}` } }),
    );
    readers.push(sse);
    await waitFor(() => t.services.bus.listenerCount === before + 1, "the stream subscribed");
    const e = await publish(1);
    expect(ids(await sse.next(1))).toEqual([e.id]);
    // What ParleyServer.stop does.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    await closed;
    await waitFor(() => t.services.bus.listenerCount === before, "the stream unsubscribed after the server stopped");
  });
});
