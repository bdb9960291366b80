import { afterEach, describe, expect, it } from "vitest";
import { outboundRepos, type OutboundRepos } from "../../../src/notify/context.js";
import type { NewNotification } from "../../../src/store/repos/notifications-repo.js";
import { isDuplicateTemplateName } from "../../../src/store/repos/templates-repo.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

// The outbound repositories (templates, campaigns, recipients, notifications, attempts, callbacks, rejected rows)
// answer the same on SQLite and on PostgreSQL: one SQL each, or the one place where the engines differ.
const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const recipient = (campaignId: number | null, row: number, over: Partial<NewNotification> = {}): NewNotification => ({
  campaignId,
  rowNo: row,
  to: `+4420712345${String(row).padStart(2, "0")}`,
  agent: "receptionist",
  templateId: null,
  text: "Hello {name}",
  variables: { name: `N${row}`, zeta: "z", Alpha: "a" },
  menu: null,
  disclosure: null,
  window: null,
  timeZone: "Europe/London",
  amd: false,
  status: "pending",
  nextAttemptAt: null,
  idempotencyKey: null,
  ...over,
});

describe.each(await storeEngines())("outbound repositories on $label", ({ skip, open }) => {
  async function repos(): Promise<OutboundRepos> {
    const s = await open();
    opened.push(s);
    return outboundRepos(s.sql);
  }

  async function campaign(r: OutboundRepos, over: { callsPerSecond?: number; maxConcurrent?: number } = {}) {
    return r.campaigns.insert(
      {
        name: "Recall",
        templateId: null,
        text: "Hello {name}",
        variables: ["name"],
        agent: "receptionist",
        window: { timeZone: "Europe/London", start: "09:00", end: "17:00" },
        callsPerSecond: over.callsPerSecond ?? 2.5,
        maxConcurrent: over.maxConcurrent ?? 3,
        disclosure: null,
        menu: { prompt: "Press 1", options: { "1": "confirm" } } as never,
        amd: true,
      },
      1000,
    );
  }

  it.skipIf(skip)(
    "templates: insert, list newest first, update, a duplicate name is the engine's unique error",
    async () => {
      const r = await repos();
      const a = await r.templates.insert({ name: "a", text: "Hi {x}", variables: ["x"], description: "" }, 1000);
      const b = await r.templates.insert({ name: "b", text: "Bye", variables: [], description: "d" }, 2000);
      expect((await r.templates.list({ limit: 10 })).map((t) => t.name)).toEqual(["b", "a"]);
      expect((await r.templates.list({ before: b.id, limit: 10 })).map((t) => t.id)).toEqual([a.id]);
      expect(await r.templates.byName("a")).toMatchObject({ id: a.id, variables: ["x"], createdAt: 1000 });
      const dup = await r.templates
        .insert({ name: "a", text: "again", variables: [], description: "" }, 3000)
        .catch((err: unknown) => err);
      expect(isDuplicateTemplateName(dup)).toBe(true);
      expect(await r.templates.update({ ...a, name: "a2", text: "Hi", variables: [] }, 4000)).toMatchObject({
        name: "a2",
        updatedAt: 4000,
        createdAt: 1000,
      });
      expect(await r.templates.update({ ...a, id: 999 }, 4000)).toBeNull();
      expect(await r.templates.remove(b.id)).toBe(true);
      expect(await r.templates.get(b.id)).toBeNull();
    },
  );

  it.skipIf(skip)(
    "campaigns: insert with its JSON and booleans, list by status, status changes and tick generations",
    async () => {
      const r = await repos();
      const c = await campaign(r);
      expect(c).toMatchObject({
        status: "draft",
        callsPerSecond: 2.5,
        maxConcurrent: 3,
        amd: true,
        tickSeq: 0,
        nextReleaseAt: 0,
        window: { timeZone: "Europe/London", start: "09:00", end: "17:00" },
        menu: { prompt: "Press 1", options: { "1": "confirm" } },
        startedAt: null,
      });
      const running = await r.campaigns.setStatus(c.id, "running", 2000, true);
      expect(running).toMatchObject({ status: "running", tickSeq: 1, startedAt: 2000, finishedAt: null });
      const paused = await r.campaigns.setStatus(c.id, "paused", 3000);
      expect(paused).toMatchObject({ status: "paused", tickSeq: 1, startedAt: 2000 });
      expect(await r.campaigns.setStatus(c.id, "running", 4000, true)).toMatchObject({ tickSeq: 2, startedAt: 2000 });
      expect(await r.campaigns.setStatus(c.id, "cancelled", 5000)).toMatchObject({ finishedAt: 5000 });
      const other = await campaign(r);
      expect((await r.campaigns.list({ limit: 10 })).map((x) => x.id)).toEqual([other.id, c.id]);
      expect((await r.campaigns.list({ status: "cancelled", limit: 10 })).map((x) => x.id)).toEqual([c.id]);
      expect(await r.campaigns.setStatus(12345, "running", 1)).toBeNull();
      expect(await r.campaigns.remove(other.id)).toBe(true);
      expect(await r.campaigns.get(other.id)).toBeNull();
    },
  );

  it.skipIf(skip)(
    "campaigns: release slots one interval apart, made up only within the catch-up, never two at once",
    async () => {
      const r = await repos();
      const c = await campaign(r, { callsPerSecond: 10 });
      expect(await r.campaigns.takeReleaseSlot(c.id, 10_000, 100, 5)).toBe(0); // the first: next at 10_095
      expect(await r.campaigns.takeReleaseSlot(c.id, 10_050, 100, 5)).toBe(45); // not yet: 45 ms to wait
      expect(await r.campaigns.takeReleaseSlot(c.id, 10_097, 100, 5)).toBe(0); // 2 ms late: the next stays at 10_195
      expect((await r.campaigns.get(c.id))?.nextReleaseAt).toBe(10_195);
      // A long wait (every line busy): the schedule starts afresh, no burst of missed slots.
      expect(await r.campaigns.takeReleaseSlot(c.id, 20_000, 100, 5)).toBe(0);
      expect(await r.campaigns.takeReleaseSlot(c.id, 20_000, 100, 5)).toBeGreaterThan(0);
      expect((await r.campaigns.get(c.id))?.nextReleaseAt).toBe(20_095);
      // 3 calls/s with a 2.5 ms catch-up: whole milliseconds, the interval rounded up (never faster than the rate).
      const slow = await campaign(r, { callsPerSecond: 3 });
      expect(await r.campaigns.takeReleaseSlot(slow.id, 30_000, 1000 / 3, 2.5)).toBe(0);
      expect((await r.campaigns.get(slow.id))?.nextReleaseAt).toBe(30_332); // 29_998 + 334
    },
  );

  it.skipIf(skip)(
    "notifications and recipients: counts, the next due, the upload's columns, cancel, pages",
    async () => {
      const r = await repos();
      const c = await campaign(r);
      const ids = await r.notifications.insertMany(
        [
          recipient(c.id, 2),
          recipient(c.id, 1, { nextAttemptAt: 5000 }),
          recipient(c.id, 3, { status: "rejected_dnc" }),
          recipient(c.id, 4),
        ],
        1000,
      );
      expect(ids).toHaveLength(4);
      const dnc = await r.notifications.get(ids[2]!);
      expect(dnc).toMatchObject({ status: "rejected_dnc", outcome: "rejected_dnc", finishedAt: 1000 });
      expect(await r.recipients.statusCounts(c.id)).toEqual({
        pending: 3,
        scheduled: 0,
        calling: 0,
        completed: 0,
        failed: 0,
        rejected_dnc: 1,
        cancelled: 0,
      });
      expect(await r.recipients.outcomeCounts(c.id)).toEqual({ rejected_dnc: 1 });
      // New recipients (no time yet) in upload order first; the retry waits for its time.
      expect((await r.recipients.nextDue(c.id, 4000))?.rowNo).toBe(2);
      expect(await r.recipients.nextPendingAt(c.id)).toBe(0);
      expect(await r.recipients.columns(c.id)).toEqual(["Alpha", "name", "zeta"]);
      expect(await r.recipients.numbers(c.id)).toEqual(
        new Set(["+442071234502", "+442071234501", "+442071234503", "+442071234504"]),
      );
      const on = await r.notifications.update(ids[0]!, { status: "calling", attempts: 1 }, 2000);
      expect(on).toMatchObject({ status: "calling", attempts: 1, finishedAt: null, updatedAt: 2000 });
      expect((await r.recipients.open(c.id)).map((n) => n.id)).toEqual([ids[0]]);
      expect(await r.recipients.cancelWaiting(c.id, 3000)).toBe(2);
      expect(
        (await r.notifications.update(ids[0]!, { status: "completed", outcome: "delivered_human" }, 4000)).finishedAt,
      ).toBe(4000);
      expect(await r.recipients.nextPendingAt(c.id)).toBeNull();
      const page = await r.recipients.page(c.id, 0, 2);
      expect(page.map((n) => n.id)).toEqual(ids.slice(0, 2));
      expect(
        (await r.notifications.list({ status: ["cancelled", "completed"], campaignId: c.id, limit: 10 })).map(
          (n) => n.id,
        ),
      ).toEqual([ids[3], ids[1], ids[0]]);
      expect((await r.notifications.list({ to: "+442071234504", limit: 10 })).map((n) => n.id)).toEqual([ids[3]]);
      await expect(r.notifications.update(999, { status: "failed" }, 1)).rejects.toThrow("notification 999 is gone");
    },
  );

  it.skipIf(skip)("notifications: an idempotency key is unique; a transaction that throws leaves nothing", async () => {
    const r = await repos();
    const n = await r.notifications.insert(recipient(null, 1, { status: "scheduled", idempotencyKey: "k1" }), 1000);
    expect(await r.notifications.byKey("k1")).toMatchObject({ id: n.id, campaignId: null });
    await expect(r.notifications.insert(recipient(null, 2, { idempotencyKey: "k1" }), 1000)).rejects.toThrow();
    await expect(
      r.atomically(async (tx) => {
        await tx.notifications.update(n.id, { status: "calling" }, 2000);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect((await r.notifications.get(n.id))?.status).toBe("scheduled");
  });

  it.skipIf(skip)("attempts: start, finish, abandon; only dials count in the cap's window", async () => {
    const r = await repos();
    const n = await r.notifications.insert(recipient(null, 1, { status: "scheduled" }), 1000);
    const a = await r.attempts.start({
      number: "+442071234501",
      kind: "notification",
      notificationId: n.id,
      jobId: 7,
      attempt: 1,
      dialed: true,
      startedAt: 1000,
    });
    await r.attempts.finish(a.id, {
      outcome: "delivered_human",
      choice: "1",
      digits: "1",
      amd: { verdict: "human", greetingMs: 900, reason: "short greeting" },
      callId: 12,
      durationMs: 15000,
      nextAttemptAt: null,
      error: null,
    });
    const b = await r.attempts.start({
      number: "+442071234501",
      kind: "callback",
      notificationId: null,
      jobId: 8,
      attempt: 1,
      dialed: true,
      startedAt: 2000,
    });
    await r.attempts.abandon(b.id, "no SIP here");
    await r.attempts.start({
      number: "+442071234501",
      kind: "notification",
      notificationId: n.id,
      jobId: 9,
      attempt: 2,
      dialed: false,
      outcome: "rejected_dnc",
      startedAt: 3000,
    });
    expect(await r.attempts.dials("+442071234501", 0, 10_000)).toBe(1);
    expect(await r.attempts.dials("+442071234501", 1001, 10_000)).toBe(0);
    const history = await r.attempts.forNotification(n.id);
    expect(history.map((h) => [h.dialed, h.outcome])).toEqual([
      [true, "delivered_human"],
      [false, "rejected_dnc"],
    ]);
    expect(history[0]).toMatchObject({ amd: { verdict: "human", greetingMs: 900 }, callId: 12, durationMs: 15000 });
  });

  it.skipIf(skip)(
    "callbacks: one row per root job, claimed by its job only, changed only from the named states",
    async () => {
      const r = await repos();
      const row = {
        rootJobId: 40,
        to: "+442071234501",
        agent: "receptionist",
        reason: "asked",
        source: "call",
        callId: 5,
        voicemailId: null,
        notificationId: null,
        payload: { to: "+442071234501", agent: "receptionist" },
        runAt: 9000,
      };
      const c = await r.callbacks.insert(row, 1000);
      expect(c).toMatchObject({ status: "upcoming", jobId: 40, payload: row.payload, attempts: 0 });
      expect(await r.callbacks.insert(row, 1000)).toBeNull();
      expect(await r.callbacks.claim(c!.id, 41, 2000)).toBeNull();
      expect(await r.callbacks.claim(c!.id, 40, 2000)).toMatchObject({ status: "calling", updatedAt: 2000 });
      // Not from upcoming any more; from calling, only while it points at job 40.
      expect(await r.callbacks.change(c!.id, ["upcoming"], { status: "cancelled" }, 3000)).toBeNull();
      expect(
        await r.callbacks.change(c!.id, ["calling"], { status: "upcoming", jobId: 42, runAt: 9500 }, 3000, 41),
      ).toBeNull();
      const moved = await r.callbacks.change(
        c!.id,
        ["calling"],
        { status: "upcoming", jobId: 42, runAt: 9500, attempts: 1, lastOutcome: "busy" },
        3000,
        40,
      );
      expect(moved).toMatchObject({
        status: "upcoming",
        jobId: 42,
        runAt: 9500,
        attempts: 1,
        lastOutcome: "busy",
        finishedAt: null,
      });
      const placed = await r.callbacks.change(
        c!.id,
        ["upcoming", "calling"],
        { status: "placed", placedCallId: 77, error: null },
        4000,
      );
      expect(placed).toMatchObject({ status: "placed", placedCallId: 77, lastOutcome: "busy", finishedAt: 4000 });
      expect((await r.callbacks.forCall(5))?.id).toBe(c!.id);
      expect(await r.callbacks.forVoicemail(5)).toBeNull();
      expect((await r.callbacks.list({ status: "placed", limit: 5 })).map((x) => x.id)).toEqual([c!.id]);
      expect(await r.callbacks.list({ status: "upcoming", limit: 5 })).toEqual([]);
    },
  );

  it.skipIf(skip)("rejected rows: kept in upload order, paged and counted", async () => {
    const r = await repos();
    const c = await campaign(r);
    await r.rejectedRows.insertMany(
      c.id,
      [
        { row: 3, to: null, reason: "no number" },
        { row: 5, to: "+1", reason: "too short" },
        { row: 9, to: "x", reason: "not a number" },
      ],
      1000,
    );
    expect(await r.rejectedRows.count(c.id)).toBe(3);
    const first = await r.rejectedRows.page(c.id, 0, 2);
    expect(first.map((x) => x.row)).toEqual([3, 5]);
    expect((await r.rejectedRows.page(c.id, first[1]!.id, 2)).map((x) => x.reason)).toEqual(["not a number"]);
  });
});
