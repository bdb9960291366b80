import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { outboundRepos, type OutboundRepos } from "../../../src/notify/context.js";
import { claimLine } from "../../../src/notify/delivery-line.js";
import { openDatabase } from "../../../src/store/index.js";
import type { CampaignRecord } from "../../../src/store/repos/campaigns-repo.js";
import { createPostgresSql, SqliteSql, type SqlStore } from "../../../src/store/sql/index.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";

// A campaign's limits are the campaign's, not a node's: lines (max_concurrent) and release slots (calls_per_second)
// are taken in the store the nodes share. PostgreSQL: two nodes (two pools) on one schema. SQLite (one node): the
// same rules through one file.
const pgSkip = await postgresUnavailable();

interface Nodes {
  a: OutboundRepos;
  b: OutboundRepos;
  /** Node a dies: its connections are gone, whatever it held. */
  killA: () => Promise<void>;
  close: () => Promise<void>;
}

async function postgresNodes(): Promise<Nodes> {
  const scratch = scratchSchema();
  const open = async () => {
    const sql = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 4 });
    await sql.open();
    return sql;
  };
  const sa = await open();
  const sb = await open();
  let aClosed = false;
  return {
    a: outboundRepos(sa),
    b: outboundRepos(sb),
    killA: async () => {
      aClosed = true;
      await sa.close();
    },
    close: async () => {
      if (!aClosed) await sa.close();
      await sb.close();
      await scratch.drop();
    },
  };
}

async function sqliteNode(): Promise<Nodes> {
  const dir = mkdtempSync(join(tmpdir(), "parley-limits-"));
  const db = openDatabase(join(dir, "parley.db"));
  const sql: SqlStore = new SqliteSql(db);
  return {
    a: outboundRepos(sql),
    b: outboundRepos(sql),
    killA: async () => {},
    close: async () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const engines = [
  { label: "sqlite (one node)", skip: null as string | null, open: sqliteNode },
  { label: pgSkip ? `postgres (skipped: ${pgSkip})` : "postgres (two nodes)", skip: pgSkip, open: postgresNodes },
];

let current: Nodes | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

async function campaignWith(r: OutboundRepos, recipients: number, limits: { cps: number; lines: number }) {
  const c = await r.campaigns.insert(
    {
      name: "limits",
      templateId: null,
      text: "Hello",
      variables: [],
      agent: "receptionist",
      window: null,
      callsPerSecond: limits.cps,
      maxConcurrent: limits.lines,
      disclosure: null,
      menu: null,
      amd: false,
    },
    1000,
  );
  const running = (await r.campaigns.setStatus(c.id, "running", 1000, true)) as CampaignRecord;
  const ids = await r.notifications.insertMany(
    Array.from({ length: recipients }, (_, i) => ({
      campaignId: c.id,
      rowNo: i + 1,
      to: `+44207123${String(i).padStart(4, "0")}`,
      agent: "receptionist",
      templateId: null,
      text: "Hello",
      variables: {},
      menu: null,
      disclosure: null,
      window: null,
      timeZone: "Europe/London",
      amd: false,
      status: "pending" as const,
      nextAttemptAt: null,
      idempotencyKey: null,
    })),
    1000,
  );
  // Released by the pacer: each has a delivery job (seq 1) waiting to claim a line.
  for (const id of ids) await r.notifications.update(id, { status: "scheduled", scheduleSeq: 1 }, 1000);
  return { campaign: running, ids };
}

describe.each(engines)("a campaign's limits on $label", ({ skip, open }) => {
  it.skipIf(skip)("deliveries on both nodes at once never hold more lines than max_concurrent together", async () => {
    current = await open();
    const { a, b } = current;
    const { campaign, ids } = await campaignWith(a, 12, { cps: 10, lines: 3 });
    const claims = await Promise.all(
      ids.map((id, i) => claimLine(i % 2 ? b : a, { notificationId: id, seq: 1 }, campaign, 2000)),
    );
    const won = claims.filter((c) => c !== "full" && c !== null);
    expect(won).toHaveLength(3);
    expect(claims.filter((c) => c === "full")).toHaveLength(9);
    expect((await b.recipients.statusCounts(campaign.id)).calling).toBe(3);
    // One call ends: exactly one more line, whichever node asks first.
    const ended = won[0] as { id: number };
    await a.notifications.update(ended.id, { status: "completed", outcome: "delivered_human" }, 3000);
    const waiting = ids.filter((_, i) => claims[i] === "full");
    const again = await Promise.all(
      waiting.map((id, i) => claimLine(i % 2 ? a : b, { notificationId: id, seq: 1 }, campaign, 3000)),
    );
    expect(again.filter((c) => c !== "full" && c !== null)).toHaveLength(1);
    expect((await a.recipients.statusCounts(campaign.id)).calling).toBe(3);
  });

  it.skipIf(skip)("both nodes' pacers together take release slots at the campaign's rate, not twice it", async () => {
    current = await open();
    const { a, b } = current;
    const { campaign } = await campaignWith(a, 1, { cps: 10, lines: 3 });
    const interval = 1000 / campaign.callsPerSecond;
    const taken: number[] = [];
    // Both nodes ask at every 10 ms of two seconds (the service clock, passed in: no timing in the test).
    for (let now = 100_000; now < 102_000; now += 10) {
      const [x, y] = await Promise.all([
        a.campaigns.takeReleaseSlot(campaign.id, now, interval, 5),
        b.campaigns.takeReleaseSlot(campaign.id, now, interval, 5),
      ]);
      expect(x === 0 && y === 0).toBe(false); // never both at one instant
      if (x === 0 || y === 0) taken.push(now);
    }
    expect(taken).toHaveLength(20);
    const gaps = taken.slice(1).map((t, i) => t - taken[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(interval - 5);
  });

  it.skipIf(skip)(
    "the line of a node that died comes back: its delivery, run again elsewhere, takes it over and ends it",
    async () => {
      current = await open();
      const { a, b, killA } = current;
      const { campaign, ids } = await campaignWith(a, 2, { cps: 10, lines: 1 });
      const [first, second] = ids as [number, number];
      expect(await claimLine(a, { notificationId: first, seq: 1 }, campaign, 2000)).toMatchObject({
        status: "calling",
      });
      expect(await claimLine(b, { notificationId: second, seq: 1 }, campaign, 2000)).toBe("full");
      await killA();
      // Node a's delivery job runs again on node b once its lease has run out: it holds the same line, not a new one.
      const rerun = await claimLine(b, { notificationId: first, seq: 1 }, campaign, 62_000);
      expect(rerun).toMatchObject({ id: first, status: "calling", attempts: 2 });
      expect((await b.recipients.statusCounts(campaign.id)).calling).toBe(1);
      await b.notifications.update(first, { status: "completed", outcome: "delivered_human" }, 63_000);
      expect(await claimLine(b, { notificationId: second, seq: 1 }, campaign, 63_000)).toMatchObject({
        status: "calling",
      });
    },
  );
});
