import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallManager } from "../../../src/calls/call-manager.js";
import { sipSection } from "../../../src/config/sections/sip.js";
import { PortPool } from "../../../src/rtp/index.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { CallsRepo, type CallRecord } from "../../../src/store/repos/calls-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { sippCall } from "../../helpers/sipp-call.js";
import { sippMissing } from "../notify/sip.js";
import { freePort, freeMediaPort } from "../sip/helpers.js";

/**
 * Live calls' fixed phrases from the TTS cache, on real calls: SIPp callers
 * over loopback, the call manager, the tiny TTS engine rendering for real.
 * Renders are counted where the engine host counts every synthesis the TTS
 * engine makes (parley_engine_rtf_count{role="tts"}); the callers say nothing,
 * so the greeting is the only speech of each call.
 */
const PORTS = { min: 34200, max: 34239 };
const LIVE_GREETING = "Hello, you are through to the phrase test desk.";

interface CacheRow {
  key: string;
  text: string;
  path: string;
  samples: number;
}

describe.skipIf(sippMissing)("fixed phrases of live calls from the TTS cache (tiny engines, SIPp callers)", () => {
  let t: TestApp;
  let sip: SipPort;
  let calls: CallManager;
  let agentsDir: string;

  beforeAll(async () => {
    agentsDir = mkdtempSync(join(tmpdir(), "parley-phrase-agents-"));
    mkdirSync(agentsDir, { recursive: true });
    writeFileSync(
      join(agentsDir, "front.yaml"),
      "name: front\nsystemPrompt: You answer the phone.\nlive:\n  greeting: Good morning, front desk.\n",
    );
    writeFileSync(
      join(agentsDir, "desk.yaml"),
      'name: desk\nsystemPrompt: You triage voicemail.\nvoicemail:\n  mailboxes: ["2002", "3003"]\n',
    );
    writeFileSync(
      join(agentsDir, "vm.yaml"),
      "name: vm\nsystemPrompt: The voicemail box.\nmailbox:\n  greeting: Please leave a message for {mailbox}.\n",
    );
    t = await createTestApp({ engines: "tiny", config: { agents: { dir: agentsDir, default: "front" } } });
    sip = await createSipPort(
      sipSection.parse({ listen: { host: "127.0.0.1", port: 0 }, rateLimit: { perSecond: 0 } }),
      {
        logger: t.services.logger,
        registry: t.services.registry,
      },
    );
    calls = t.features.calls.attach(sip, new PortPool(PORTS));
    calls.start();
  }, 180_000);
  afterAll(async () => {
    await calls?.stop();
    await sip?.close();
    await t?.close();
    rmSync(agentsDir, { recursive: true, force: true });
  });

  // Through the SQL port: the index is in the shared store when the app runs on PostgreSQL.
  const rows = (): Promise<CacheRow[]> =>
    t.services.sql.all<CacheRow>("SELECT key, text, path, samples FROM tts_cache ORDER BY created_at, key");
  const rowFor = async (text: string) => (await rows()).find((r) => r.text === text);
  /** Every synthesis the profile's TTS engine has made in this process. */
  const ttsRenders = async (): Promise<number> => {
    const text = await (await t.app.request("/metrics")).text();
    const line = text.split("\n").find((l) => l.startsWith("parley_engine_rtf_count{") && l.includes('role="tts"'));
    return line ? Number(line.split(" ").pop()) : 0;
  };

  /** One silent call to `service`, hung up by the caller; resolves with its settled record. */
  async function call(service: string, inviteHeaders: string[] = []): Promise<CallRecord> {
    const before = (await new CallsRepo(t.services.sql).list({ direction: "inbound", limit: 500 })).length;
    const r = await sippCall(
      `127.0.0.1:${sip.local.port}`,
      { holdMs: 3500, hangup: "caller", inviteHeaders },
      { sipPort: await freePort(), mediaPort: await freeMediaPort(), service },
    );
    expect(r.code, r.output + r.errors).toBe(0);
    for (let i = 0; i < 100; i++) {
      const list = await new CallsRepo(t.services.sql).list({ direction: "inbound", limit: 500 });
      const newest = list[0];
      if (list.length > before && newest?.outcome) return newest;
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error(`the call to ${service} was not settled`);
  }
  const packetsOut = (c: CallRecord) => (c.rtpStats as { audioPacketsOut: number }).audioPacketsOut;

  it("warm-up at start renders each agent's greeting once (a mailbox's for each known mailbox), and again renders nothing", async () => {
    const before = await ttsRenders();
    let atGreetings: { rendered: number; failed: number } | null = null;
    const first = await t.features.calls.warmPhrases(AbortSignal.timeout(120_000), (r) => (atGreetings = r));
    expect(first).toMatchObject({ agents: 3, failed: 0 });
    // Readiness waits for this moment: the four greetings rendered (front's, desk's default one, and the mailbox
    // agent's for 2002 and 3003), the other phrases not yet.
    expect(atGreetings).toMatchObject({ rendered: 4, failed: 0 });
    expect(first.rendered).toBeGreaterThan(4);
    // Lines two agents share (the default filler, in the same voice) are one render: the second finds it cached.
    expect(await rows()).toHaveLength(first.rendered);
    for (const greeting of [
      "Good morning, front desk.",
      "Please leave a message for 2002.",
      "Please leave a message for 3003.",
    ])
      expect((await rows()).filter((r) => r.text === greeting)).toHaveLength(1);
    // Every phrase rendered once, through the engine: one synthesis each.
    expect(await ttsRenders()).toBe(before + first.rendered);
    expect(t.services.ttsCache.stats("warmup")).toMatchObject({ misses: first.rendered, hits: first.cached });
    const second = await t.features.calls.warmPhrases(AbortSignal.timeout(120_000));
    expect(second).toMatchObject({ rendered: 0, cached: first.rendered + first.cached, failed: 0 });
    expect(await ttsRenders()).toBe(before + first.rendered);
  });

  it("an agent added later: its greeting is rendered on the first call, and a cache hit on the second", async () => {
    const created = await t.request("/v1/agents", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "later", systemPrompt: "You answer the phone.", live: { greeting: LIVE_GREETING } }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const r0 = await ttsRenders();
    const c1 = await call("later");
    expect(await ttsRenders()).toBe(r0 + 1);
    expect(await rowFor(LIVE_GREETING)).toBeDefined();
    const c2 = await call("later");
    expect(await ttsRenders()).toBe(r0 + 1); // no second synthesis
    expect(t.services.ttsCache.stats("greeting")).toEqual({ hits: 1, misses: 1, hitRate: 0.5 });
    // Both callers heard it: the same audio went out on each call.
    expect(packetsOut(c1)).toBeGreaterThan(20);
    expect(packetsOut(c2)).toBeGreaterThan(20);
  });

  it("a cached greeting cut short on disk is rendered again on the next call, never played", async () => {
    const row = (await rowFor(LIVE_GREETING))!;
    const file = join(t.dataDir, "tts-cache", row.path);
    const whole = statSync(file).size;
    truncateSync(file, Math.floor(whole / 2));
    // A restarted process would read the file: drop the decoded copy this one holds in memory.
    (t.services.ttsCache as unknown as { memory: { map: Map<string, unknown> } }).memory.map.clear();
    const r0 = await ttsRenders();
    await call("later");
    expect(await ttsRenders()).toBe(r0 + 1);
    const again = (await rowFor(LIVE_GREETING))!;
    expect(again.samples).toBe(row.samples);
    const files = readdirSync(join(t.dataDir, "tts-cache", row.key.slice(0, 2))).filter((f) => f.startsWith(row.key));
    expect(files.map((f) => statSync(join(t.dataDir, "tts-cache", row.key.slice(0, 2), f)).size)).toEqual([whole]);
  });

  it("the SIP mailbox greeting comes from the cache for a known mailbox, and is said live for one nobody knows", async () => {
    const r0 = await ttsRenders();
    const known = await call("vm", ["Diversion: <sip:2002@pbx.test>;reason=no-answer;counter=1"]);
    expect(known.outcome).toBeTruthy();
    expect(await ttsRenders()).toBe(r0); // warmed at start: no synthesis on the call
    expect(t.services.ttsCache.stats("mailbox")).toEqual({ hits: 1, misses: 0, hitRate: 1 });
    expect(packetsOut(known)).toBeGreaterThan(20);
    const stranger = await call("vm", ["Diversion: <sip:7777@pbx.test>;reason=no-answer;counter=1"]);
    expect(await ttsRenders()).toBe(r0 + 1);
    expect(await rowFor("Please leave a message for 7777.")).toBeUndefined();
    expect(t.services.ttsCache.stats("mailbox")).toEqual({ hits: 1, misses: 0, hitRate: 1 });
    expect(packetsOut(stranger)).toBeGreaterThan(20);
  });
});
