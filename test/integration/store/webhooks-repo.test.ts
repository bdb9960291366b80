import { afterEach, describe, expect, it } from "vitest";
import { EventsRepo } from "../../../src/store/repos/events-repo.js";
import { WebhooksRepo } from "../../../src/store/repos/webhooks-repo.js";
import { isUniqueViolation } from "../../../src/webhooks/errors.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const endpoint = (name: string, o: { enabled?: boolean; events?: string[] } = {}) => ({
  name,
  url: `http://127.0.0.1:9/${name}`,
  secret: `whsec_${name}`,
  events: o.events ?? ["*"],
  enabled: o.enabled ?? true,
  now: 1000,
});

describe.each(await storeEngines())("webhook endpoints and deliveries on $label", ({ skip, open }) => {
  async function store(): Promise<{ repo: WebhooksRepo; s: OpenedStore }> {
    const s = await open();
    opened.push(s);
    return { repo: new WebhooksRepo(s.sql), s };
  }

  it.skipIf(skip)("creates, reads, lists, updates (absent fields kept) and deletes endpoints", async () => {
    const { repo } = await store();
    const a = await repo.insert(endpoint("crm", { events: ["voicemail.urgent"] }));
    const b = await repo.insert(endpoint("pager", { enabled: false }));
    expect(a).toEqual({
      id: a.id,
      name: "crm",
      url: "http://127.0.0.1:9/crm",
      secret: "whsec_crm",
      events: ["voicemail.urgent"],
      enabled: true,
      createdAt: 1000,
      updatedAt: 1000,
    });
    expect(await repo.get(a.id)).toEqual(a);
    expect(await repo.byName("pager")).toEqual(b);
    expect(await repo.get(999_999)).toBeNull();
    expect((await repo.list()).map((e) => e.name)).toEqual(["crm", "pager"]);
    expect((await repo.enabled()).map((e) => e.name)).toEqual(["crm"]);
    const changed = await repo.update(b.id, { enabled: true, secret: "whsec_new" }, 2000);
    expect(changed).toMatchObject({
      name: "pager",
      enabled: true,
      secret: "whsec_new",
      events: ["*"],
      updatedAt: 2000,
    });
    expect(await repo.update(999_999, { name: "x" }, 2000)).toBeNull();
    await expect(repo.insert(endpoint("crm"))).rejects.toSatisfy(isUniqueViolation);
    expect(await repo.remove(a.id)).toBe(true);
    expect(await repo.remove(a.id)).toBe(false);
    expect((await repo.list()).map((e) => e.name)).toEqual(["pager"]);
  });

  it.skipIf(skip)(
    "logs attempts with their event's type, pages newest first, and drops them with the endpoint",
    async () => {
      const { repo, s } = await store();
      const hook = await repo.insert(endpoint("crm"));
      // SQLite's log references the node's events table; PostgreSQL's keeps the type the payload carried.
      const event = await new EventsRepo(s.sql).insert("voicemail.urgent", "voicemail:1", {}, 500);
      for (const attempt of [1, 2, 3])
        await repo.addDelivery({
          endpointId: hook.id,
          eventId: event.id,
          eventType: "voicemail.urgent",
          jobId: 7,
          idempotencyKey: `event-${event.id}-endpoint-${hook.id}`,
          attempt,
          statusCode: attempt === 3 ? 204 : 500,
          error: attempt === 3 ? null : "HTTP 500",
          durationMs: 12,
          createdAt: 1000 + attempt,
        });
      const newest = await repo.deliveries(hook.id, null, 2);
      expect(newest.map((d) => d.attempt)).toEqual([3, 2]);
      expect(newest[0]).toEqual({
        id: newest[0]!.id,
        endpointId: hook.id,
        eventId: event.id,
        eventType: "voicemail.urgent",
        jobId: 7,
        idempotencyKey: `event-${event.id}-endpoint-${hook.id}`,
        attempt: 3,
        statusCode: 204,
        error: null,
        durationMs: 12,
        createdAt: 1003,
      });
      expect((await repo.deliveries(hook.id, newest[1]!.id, 2)).map((d) => d.attempt)).toEqual([1]);
      await repo.remove(hook.id);
      expect(await repo.deliveries(hook.id, null, 10)).toEqual([]);
    },
  );
});
