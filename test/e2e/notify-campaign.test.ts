import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/lib/csv.js";
import { freePort, freeMediaPort } from "../integration/sip/helpers.js";
import type { RunningParley } from "../helpers/parley-process.js";
import { sippMissing } from "../helpers/sipp-call.js";
import { createKey, dirArgs, pullModels, serveOnLoopback } from "../helpers/parley-setup.js";
import { humanHello, machineGreeting } from "../helpers/callee-audio.js";
import { repoRoot } from "../helpers/paths.js";
import { startCallee, type Callee, type RunningCallee } from "../helpers/sipp-callee.js";
import { fliteMissing, soxMissing } from "../helpers/speech.js";

/**
 * The acceptance run: `parley serve --profile tiny` as a real process and a
 * campaign of 50 recipients against SIPp callees on 127.0.0.1: people who
 * answer and press 1, people who press 9, answering machines (long greeting,
 * beep), busy lines and phones nobody answers. It ends with the right
 * outcome for every recipient, opt-outs on the do-not-call list, and the
 * results as CSV. The service clock starts at 10:00 UTC through config, so
 * the London recipients' window is open whenever the test runs.
 */
const DTMF_1 = "/usr/share/sip-tester/dtmf_2833_1.pcap";
const DTMF_9 = "/usr/share/sip-tester/dtmf_2833_9.pcap";

interface Group {
  name: string;
  count: number;
  callee: Callee;
  /** Calls SIPp takes (busy lines are tried twice). */
  calls: number;
  expect: { status: string; outcome: string; choice: string; attempts: string };
}

describe.skipIf(sippMissing || fliteMissing || soxMissing)("a 50-recipient campaign against SIPp callees", () => {
  let dir: string;
  let server: RunningParley;
  let key: string;
  const callees: { group: Group; sipp: RunningCallee }[] = [];
  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers },
    });
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-campaign-"));
    mkdirSync(join(dir, "agents"));
    copyFileSync(join(repoRoot, "agents/receptionist.yaml"), join(dir, "agents/receptionist.yaml"));
    writeFileSync(
      join(dir, "parley.yaml"),
      [
        `agents: { dir: ${join(dir, "agents")}, default: receptionist }`,
        'clock: { startAt: "2026-11-25T10:00:00Z" }',
        "calls: { maxCalls: 40, outbound: { ringTimeoutMs: 5000 } }",
        "rtp: { ports: { min: 34000, max: 34399 } }",
        "notify: { maxAttemptsPerDay: 5, retry: { busy: { retries: 1, afterMs: 0 }, noAnswer: { retries: 0 } } }",
        "jobs: { lanes: [{ name: outbound, concurrency: 24, kinds: [notify.deliver, campaign.tick, callback.place] }, { name: backlog, concurrency: 2 }] }",
        "log: { level: warn }",
      ].join("\n"),
    );
    await pullModels(dirArgs(dir));
    key = await createKey(["--name", "e2e", ...dirArgs(dir)]);
    ({ server } = await serveOnLoopback(dirArgs(dir)));
  }, 180_000);
  afterAll(async () => {
    for (const c of callees) c.sipp.kill();
    expect(await server?.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it("calls everyone at the configured pace and ends with each recipient's right outcome", async () => {
    const hello = humanHello();
    const machine = machineGreeting();
    const groups: Group[] = [
      {
        name: "confirms",
        count: 20,
        calls: 20,
        callee: { kind: "answer", audio: hello, dtmfPcap: DTMF_1, dtmfAfterMs: 7000, holdMs: 30_000 },
        expect: { status: "completed", outcome: "delivered_human", choice: "confirm", attempts: "1" },
      },
      {
        name: "opts-out",
        count: 5,
        calls: 5,
        callee: { kind: "answer", audio: hello, dtmfPcap: DTMF_9, dtmfAfterMs: 7000, holdMs: 30_000 },
        expect: { status: "completed", outcome: "opted_out", choice: "opt_out", attempts: "1" },
      },
      {
        name: "machine",
        count: 10,
        calls: 10,
        callee: { kind: "answer", audio: machine, holdMs: 40_000 },
        expect: { status: "completed", outcome: "delivered_voicemail", choice: "", attempts: "1" },
      },
      {
        name: "busy",
        count: 8,
        calls: 16,
        callee: { kind: "busy" },
        expect: { status: "failed", outcome: "busy", choice: "", attempts: "2" },
      },
      {
        name: "no-answer",
        count: 7,
        calls: 7,
        callee: { kind: "no-answer" },
        expect: { status: "failed", outcome: "no_answer", choice: "", attempts: "1" },
      },
    ];
    const rows = ["to,name,group"];
    let n = 0;
    for (const group of groups) {
      const port = await freePort();
      callees.push({
        group,
        sipp: startCallee(group.callee, { port, mediaPort: await freeMediaPort(), calls: group.calls, timeoutS: 150 }),
      });
      for (let i = 0; i < group.count; i++)
        rows.push(`sip:+44207946${String(1000 + n++)}@127.0.0.1:${port},Customer ${n},${group.name}`);
    }
    await new Promise((r) => setTimeout(r, 500)); // SIPp binds its ports

    const campaign = await api<{ id: number }>("/v1/campaigns", {
      method: "POST",
      body: JSON.stringify({
        name: "Delivery day",
        text: "Hi {name}, your order ships today.",
        disclosure: "This is an automated call from Acme.",
        menu: { "1": "confirm", "9": "opt_out" },
        pacing: { callsPerSecond: 5, maxConcurrent: 12 },
      }),
    });
    const report = await api<{ imported: number; rejected: unknown[] }>(`/v1/campaigns/${campaign.id}/recipients`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: rows.join("\n"),
    });
    expect(report).toMatchObject({ imported: 50, rejected: [] });
    expect((await api<{ status: string }>(`/v1/campaigns/${campaign.id}/start`, { method: "POST" })).status).toBe(
      "running",
    );

    let state = { status: "running", progress: { done: 0, total: 50 } };
    for (let i = 0; i < 600 && state.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 250));
      state = await api(`/v1/campaigns/${campaign.id}`);
    }
    expect(state).toMatchObject({ status: "finished", progress: { done: 50, total: 50 } });

    const csv = parseCsv(
      await (
        await fetch(`${server.baseUrl}/v1/campaigns/${campaign.id}/results.csv`, {
          headers: { authorization: `Bearer ${key}` },
        })
      ).text(),
    ).map((r) => r.fields);
    const header = csv[0]!;
    const col = (name: string) => header.indexOf(name);
    const results = csv.slice(1);
    expect(results).toHaveLength(50);
    for (const group of groups) {
      const mine = results.filter((r) => r[col("group")] === group.name);
      expect(mine, group.name).toHaveLength(group.count);
      for (const r of mine) {
        expect(
          {
            status: r[col("status")],
            outcome: r[col("outcome")],
            choice: r[col("choice")],
            attempts: r[col("attempts")],
          },
          `${group.name} ${r[col("to")]}`,
        ).toEqual(group.expect);
      }
    }
    // Pacing: the pacer released deliveries (notify.deliver jobs) no faster than 5 per second, and never more than 12 calls were on at once.
    const jobs = (
      await api<{ items: { createdAt: string; result: unknown }[] }>("/v1/jobs?kind=notify.deliver&limit=200")
    ).items;
    const released = jobs.map((j) => Date.parse(j.createdAt)).sort((a, b) => a - b);
    // A delivery that finds the campaign's 12 lines taken goes back to the pacer ({ parked }) and is released again:
    // on a loaded box calls last longer and that happens (88 releases for 58 calls were seen). Every other release
    // placed a call: 50 first attempts and the busy lines' 8 retries.
    const parked = (j: { result: unknown }) =>
      typeof j.result === "object" && j.result !== null && "parked" in j.result;
    expect(jobs.filter((j) => !parked(j))).toHaveLength(58);
    // A job's createdAt comes after the release's own database writes, whose time varies with the box's load
    // (CI: 967 ms for 5 releases once). So the rate is read over 20 releases, where one slow write moves the figure
    // by a few % at most: 5 a second is 4,000 ms (3,900 with the pacer's 5 ms catch-up each), 6 a second (3,333 ms)
    // fails. Over any 5, a burst (5 releases within a few ms) fails too.
    for (let i = 20; i < released.length; i++)
      expect(released[i]! - released[i - 20]!, `releases ${i - 20}..${i}`).toBeGreaterThanOrEqual(3700);
    for (let i = 5; i < released.length; i++)
      expect(released[i]! - released[i - 5]!, `releases ${i - 5}..${i}`).toBeGreaterThanOrEqual(700);
    const list = await api<{ items: { id: number }[] }>(`/v1/notifications?campaignId=${campaign.id}&limit=200`);
    const history = (
      await Promise.all(
        list.items.map((x) =>
          api<{
            history: {
              startedAt: string;
              durationMs: number;
              dialed: boolean;
              outcome: string;
              error: string | null;
            }[];
          }>(`/v1/notifications/${x.id}`),
        ),
      )
    ).flatMap((x) => x.history);
    // A delivery that could not be placed at all (on a loaded box, e.g. the call manager's admission control refuses a
    // call while the engines' queueing delay is high: `overloaded`, retryable) is in the history too, as not
    // dialled, and its job tries again: CI saw 2 such entries beside the 58 calls.
    const notPlaced = history.filter((h) => !h.dialed);
    for (const h of notPlaced)
      expect(h, JSON.stringify(notPlaced)).toMatchObject({ outcome: "not_placed", error: expect.any(String) });
    const attempts = history
      .filter((h) => h.dialed)
      .map((h) => ({ startedAt: Date.parse(h.startedAt), durationMs: h.durationMs }));
    expect(attempts, JSON.stringify(notPlaced)).toHaveLength(58);
    const overlap = Math.max(
      ...attempts.map(
        (a) => attempts.filter((b) => b.startedAt <= a.startedAt && a.startedAt < b.startedAt + b.durationMs).length,
      ),
    );
    expect(overlap).toBeLessThanOrEqual(12);
    // Pressing 9 put those numbers on the do-not-call list.
    const optedOut = results
      .filter((r) => r[col("group")] === "opts-out")
      .map((r) => /sip:(\+\d+)@/.exec(r[col("to")] ?? "")?.[1]);
    for (const number of optedOut)
      expect(
        (
          await api<{ listed: boolean; entry: { source: string } }>(
            `/v1/dnc/check?number=${encodeURIComponent(number!)}`,
          )
        ).entry.source,
      ).toBe("opt-out-dtmf");
    // The shared pieces (disclosure, "your order ships today", the menu) were rendered once, then served from the cache.
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    expect(Number(/^parley_tts_cache_hit_ratio (\S+)/m.exec(metrics)?.[1])).toBeGreaterThan(0.5);
    for (const c of callees) {
      const r = await c.sipp.done;
      expect(r.code, `${c.group.name}: ${r.output.slice(-1500)}${r.errors}`).toBe(0);
    }
  }, 240_000);
});
