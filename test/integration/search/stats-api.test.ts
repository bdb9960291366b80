import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient, type ConsoleClient } from "../../helpers/console.js";
import { seedCall, seedVoicemail } from "../../helpers/search-seed.js";

interface Bucket {
  start: string;
  calls: number;
  voicemails: number;
  turns: number;
  p50Ms: number | null;
  p95Ms: number | null;
}
interface StatsBody {
  today: { voicemails: Record<string, number>; calls: Record<string, number> };
  openEscalations: number;
  failedVoicemails: number;
  jobs: { queued: number; failed: number; dead: number };
  series: { hourly: Bucket[]; daily: Bucket[] };
  health: { engines: unknown[]; disk: { freeBytes: number; totalBytes: number }; sipTrunk: unknown };
}

// Twenty reply latencies in one call: 100, 200, ... 2000 ms. Nearest rank: p50 = 1000, p95 = 1900.
const LATENCIES = Array.from({ length: 20 }, (_, i) => (i + 1) * 100);

describe("GET /v1/stats and the console's home page", () => {
  let t: TestApp;
  let c: ConsoleClient;
  beforeAll(async () => {
    t = await createTestApp();
    const now = Date.now();
    await seedVoicemail(t.services.sql, {
      transcript: "Water everywhere in the basement",
      summary: "Flood",
      urgency: 5,
    });
    await seedVoicemail(t.services.sql, { transcript: "Please send the brochure", summary: "Brochure", urgency: 2 });
    await seedVoicemail(t.services.sql, { transcript: "Call me back", summary: null, urgency: 2, status: "escalated" });
    await seedVoicemail(t.services.sql, { transcript: null, summary: null, status: "failed" });
    // Two days ago: in the 14-day plot, not in today's counts nor the 24-hour plot.
    await seedVoicemail(t.services.sql, {
      transcript: "old",
      summary: null,
      urgency: 4,
      receivedAt: now - 2 * 86_400_000,
    });
    const calls = new CallsRepo(t.services.sql);
    const call = await seedCall(t.services.sql, ["Hello"]);
    for (const [i, ms] of LATENCIES.entries())
      await calls.turn(call, {
        index: i + 1,
        role: "agent",
        text: `answer ${i}`,
        at: now,
        timing: { endpointMs: 200, asrFinalMs: 250, llmFirstTokenMs: 400, ttsFirstAudioMs: 500, firstRtpMs: ms },
      });
    await calls.setSummary(call, { summary: "a question", urgency: 3 });
    c = await consoleClient(t.app, { key: t.key });
  }, 120_000);
  afterAll(() => t?.close());

  it("counts today's voicemails and calls by urgency, escalations and failures as the rows say", async () => {
    const res = await t.request("/v1/stats");
    expect(res.status).toBe(200);
    const s = (await res.json()) as StatsBody;
    expect(s.today.voicemails).toEqual({ "1": 0, "2": 2, "3": 0, "4": 0, "5": 1, untriaged: 1, total: 4 });
    expect(s.today.calls).toEqual({ "1": 0, "2": 0, "3": 1, "4": 0, "5": 0, untriaged: 0, total: 1 });
    expect(s.openEscalations).toBe(1);
    expect(s.failedVoicemails).toBe(1);
    expect(s.health.disk.freeBytes).toBeGreaterThan(0);
    expect(s.health.disk.totalBytes).toBeGreaterThanOrEqual(s.health.disk.freeBytes);
    expect(s.health.sipTrunk).toBeNull(); // no trunk registration in the test config
  });

  it("buckets the last 24 hours and 14 days, with the turns' reply latency p50 and p95", async () => {
    const s = (await (await t.request("/v1/stats")).json()) as StatsBody;
    expect(s.series.hourly).toHaveLength(24);
    expect(s.series.daily).toHaveLength(14);
    const hour = s.series.hourly[23]!;
    expect(hour).toMatchObject({ calls: 1, voicemails: 4, turns: 20, p50Ms: 1000, p95Ms: 1900 });
    expect(s.series.hourly.reduce((a, b) => a + b.voicemails, 0)).toBe(4);
    expect(s.series.daily.reduce((a, b) => a + b.voicemails, 0)).toBe(5);
    expect(s.series.daily[13]).toMatchObject({ turns: 20, p50Ms: 1000, p95Ms: 1900 });
    expect(Date.parse(s.series.hourly[23]!.start)).toBeLessThanOrEqual(Date.now());
  });

  it("is the console's home: the same numbers, two kinds of plot, and the live panel fragment", async () => {
    const res = await c.get("/console");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/id="today-voicemails"[\s\S]*?data-stat="total">4</);
    expect(html).toMatch(/data-stat="escalations"><a[^>]*>1</);
    expect(html).toContain('data-plot="volume"');
    expect(html).toContain('data-plot="latency"');
    expect(html).toContain("latest p50 1000 ms, p95 1900 ms over 20 turns");
    const panel = await c.get("/console/home/panel");
    expect(panel.status).toBe(200);
    expect(await panel.text()).toContain('id="health"');
  });

  it("searches from the console: results with the match marked, a bad query explained on the page", async () => {
    const res = await c.get("/console/search?q=basement");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<mark>basement</mark>");
    expect(html).toMatch(/href="\/console\/voicemails\/\d+"/);
    const bad = await c.get(`/console/search?q=${encodeURIComponent('"basement')}`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("cannot be read");
    const inbox = await (await c.get("/console/inbox")).text();
    expect(inbox).toContain('action="/console/search"');
  });
});
