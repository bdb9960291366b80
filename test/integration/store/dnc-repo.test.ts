import { afterEach, describe, expect, it } from "vitest";
import { EventBus } from "../../../src/events/bus.js";
import type { PublishedEvent } from "../../../src/events/types.js";
import { ManualClock } from "../../../src/lib/clock.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { DoNotCallList } from "../../../src/notify/compliance/dnc.js";
import { DncAuditRepo } from "../../../src/store/repos/dnc-audit-repo.js";
import { DncRepo } from "../../../src/store/repos/dnc-repo.js";
import { EventsRepo } from "../../../src/store/repos/events-repo.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

describe.each(await storeEngines())("the do-not-call list on $label", ({ skip, open }) => {
  async function store(): Promise<OpenedStore> {
    const s = await open();
    opened.push(s);
    return s;
  }

  it.skipIf(skip)("adds once, keeps the first entry, pages in number order by prefix, counts and removes", async () => {
    const repo = new DncRepo((await store()).sql);
    expect(await repo.add("+15550100", "api", "asked", 1000)).toBe(true);
    expect(await repo.add("+15550100", "import", "again", 2000)).toBe(false);
    expect(await repo.get("+15550100")).toEqual({
      number: "+15550100",
      source: "api",
      reason: "asked",
      createdAt: 1000,
    });
    await repo.add("+4420700", "import", null, 3000);
    await repo.add("+15550199", "console", null, 4000);
    await repo.add("sip:bob@pbx", "api", null, 5000);
    expect(await repo.count()).toBe(4);
    const numbers = async (o: Parameters<DncRepo["list"]>[0]) => (await repo.list(o)).map((e) => e.number);
    expect(await numbers({ limit: 10 })).toEqual(["+15550100", "+15550199", "+4420700", "sip:bob@pbx"]);
    expect(await numbers({ prefix: "+1555", limit: 10 })).toEqual(["+15550100", "+15550199"]);
    expect(await numbers({ prefix: "+1555", after: "+15550100", limit: 10 })).toEqual(["+15550199"]);
    expect(await numbers({ after: "+15550199", limit: 1 })).toEqual(["+4420700"]);
    // A LIKE wildcard in the prefix is a character to match, never a wildcard.
    expect(await numbers({ prefix: "+%", limit: 10 })).toEqual(["+15550100", "+15550199", "+4420700"]);
    expect(await repo.remove("+15550100")).toBe(true);
    expect(await repo.remove("+15550100")).toBe(false);
    expect(await repo.get("+15550100")).toBeNull();
  });

  it.skipIf(skip)("keeps the audit trail newest first, by number, by source, in pages", async () => {
    const audit = new DncAuditRepo((await store()).sql);
    const base = { actor: "test", reason: null, notificationId: null, campaignId: null };
    await audit.add({ ...base, number: "+1", action: "added", source: "api", createdAt: 1 });
    await audit.add({
      ...base,
      number: "+2",
      action: "added",
      source: "opt-out-dtmf",
      createdAt: 2,
      notificationId: 41,
      campaignId: 7,
    });
    await audit.add({ ...base, number: "+1", action: "removed", source: "console", createdAt: 3, reason: "wrong" });
    await audit.add({ ...base, number: "+3", action: "added", source: "opt-out-speech", createdAt: 4 });
    const all = await audit.list({ limit: 10 });
    expect(all.map((a) => a.createdAt)).toEqual([4, 3, 2, 1]);
    expect(all[2]).toMatchObject({ number: "+2", notificationId: 41, campaignId: 7, action: "added" });
    expect((await audit.list({ number: "+1", limit: 10 })).map((a) => a.action)).toEqual(["removed", "added"]);
    const optOuts = await audit.list({ sources: ["opt-out-dtmf", "opt-out-speech"], limit: 10 });
    expect(optOuts.map((a) => a.number)).toEqual(["+3", "+2"]);
    expect(await audit.list({ sources: [], limit: 10 })).toEqual([]);
    const first = await audit.list({ limit: 2 });
    expect((await audit.list({ before: first[1]!.id, limit: 10 })).map((a) => a.createdAt)).toEqual([2, 1]);
  });

  it.skipIf(skip)("adds, imports and removes through the list with their audit rows in one transaction", async () => {
    const s = await store();
    const clock = new ManualClock(10_000);
    const bus = new EventBus(new EventsRepo(s.sql), clock, silentLogger());
    const heard: PublishedEvent[] = [];
    bus.subscribe((e) => void heard.push(e));
    const list = new DoNotCallList(s.sql, clock, bus, "1");
    const first = await list.add("sip:+12125550100@pbx", "api", "asked", { actor: "key ci" });
    expect(first).toEqual({
      created: true,
      entry: { number: "+12125550100", source: "api", reason: "asked", createdAt: 10_000 },
    });
    expect((await list.add("+1 212 555 0100", "console", null, { actor: "operator ana" })).created).toBe(false);
    expect(await list.listed("(212) 555-0100")).toMatchObject({ number: "+12125550100" });
    expect(await list.listed("+12125550111")).toBeNull();
    const imported = await list.addMany(
      [
        { number: "+12125550100", reason: null },
        { number: "+12125550222", reason: "csv" },
      ],
      "import",
      { actor: "operator ana" },
    );
    expect(imported).toBe(1);
    expect(await list.remove("+12125550100", "console", "by mistake", { actor: "operator ana" })).toBe(true);
    expect(await list.remove("+12125550100", "console", "again", { actor: "operator ana" })).toBe(false);
    const trail = await list.audit.list({ limit: 10 });
    expect(trail.map((a) => [a.number, a.action, a.source, a.actor])).toEqual([
      ["+12125550100", "removed", "console", "operator ana"],
      ["+12125550222", "added", "import", "operator ana"],
      ["+12125550100", "added", "api", "key ci"],
    ]);
    expect(heard.filter((e) => e.type === "dnc.added").map((e) => (e.data as { number: string }).number)).toEqual([
      "+12125550100",
    ]);
  });
});
