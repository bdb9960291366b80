import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VoicemailRecord } from "../../../src/store/repos/voicemails-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient, type ConsoleClient } from "../../helpers/console.js";
import { readSse } from "../api/sse-reader.js";
import { seedCall, seedDeadJob, seedVoicemail } from "./seed.js";

/** The console's pages on a real app with seeded rows: what an operator sees and can do. */
describe("console pages", () => {
  let t: TestApp;
  let c: ConsoleClient;
  let routine: VoicemailRecord;
  let urgent: VoicemailRecord;
  let handled: VoicemailRecord;
  const html = async (path: string) => {
    const res = await c.get(path);
    expect(res.status, path).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    t = await createTestApp();
    c = await consoleClient(t.app, { key: t.key });
    routine = await seedVoicemail(t.services, 1, {});
    urgent = await seedVoicemail(
      t.services,
      2,
      { status: "escalated", urgency: 5, summary: "Basement <b>flooding</b>", tags: ["flooding"], callerName: "Alice" },
      { mailbox: "frontdesk" },
    );
    handled = await seedVoicemail(t.services, 3, { status: "handled", urgency: 4, summary: "Already done" });
  });
  afterAll(() => t?.close());

  it("lists open messages most urgent first, with badges in words, and escapes what callers said", async () => {
    const page = await html("/console/inbox");
    const order = [...page.matchAll(/id="row-(\d+)"/g)].map((m) => Number(m[1]));
    expect(order).toEqual([urgent.id, routine.id]); // handled is not open
    expect(page).toContain('Urgent <span class="num">5/5</span>');
    expect(page).toContain("Basement &lt;b&gt;flooding&lt;/b&gt;");
    expect(page).not.toContain("<b>flooding</b>");
    expect(page).toContain('<audio controls="" preload="none" src="/console/voicemails/');
    expect(await html("/console/inbox?status=handled")).toContain(`id="row-${handled.id}"`);
    const filtered = await html("/console/inbox?status=all&tag=flooding&mailbox=frontdesk&urgency=5");
    expect([...filtered.matchAll(/id="row-(\d+)"/g)].map((m) => Number(m[1]))).toEqual([urgent.id]);
    expect(await html(`/console/inbox?selected=${routine.id}`)).toMatch(
      new RegExp(`id="vm-${routine.id}" data-id="${routine.id}" aria-labelledby`),
    );
  });

  it("serves the recording with Range, and one message as a fragment that says whether it fits a filter", async () => {
    const part = await c.get(`/console/voicemails/${urgent.id}/audio`, { headers: { range: "bytes=0-99" } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    const frag = await c.get(`/console/inbox/items/${handled.id}?status=handled`);
    expect(frag.headers.get("x-inbox-match")).toBe("1");
    expect(await frag.text()).toContain(`id="row-${handled.id}"`);
    expect((await c.get(`/console/inbox/items/${handled.id}`)).headers.get("x-inbox-match")).toBe("0");
    expect((await c.get("/console/inbox/items/999999")).status).toBe(404);
  });

  it("marks a message handled, publishes the change, and streams it to live pages", async () => {
    const live = await c.get("/console/events");
    expect(live.headers.get("content-type")).toContain("text/event-stream");
    const sse = readSse(live);
    const res = await c.post(`/console/voicemails/${routine.id}/status`, { status: "handled", next: "/console/inbox" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/inbox");
    const [msg] = await sse.next(1);
    expect(msg?.event).toBe("voicemail.updated");
    expect(JSON.parse(msg!.data!).data).toEqual({ voicemailId: routine.id, status: "handled" });
    await sse.close();
    const api = await t.request(`/v1/voicemails/${routine.id}`);
    expect(((await api.json()) as { status: string }).status).toBe("handled");
    const bad = await c.post(
      `/console/voicemails/${routine.id}/status`,
      { status: "deleted" },
      { accept: "application/json" },
    );
    expect(bad.status).toBe(400);
  });

  it("shows a call with its latency waterfall and transcript", async () => {
    const call = await seedCall(t.services);
    const list = await html("/console/calls");
    expect(list).toContain(`href="/console/calls/${call.id}"`);
    expect(list).toContain("880 ms");
    const page = await html(`/console/calls/${call.id}`);
    expect(page).toContain('data-turns="1"');
    for (const stage of ["endpointMs", "asrFinalMs", "llmFirstTokenMs", "ttsFirstAudioMs", "firstRtpMs"])
      expect(page).toContain(`data-stage="${stage}"`);
    expect(page).toContain("I need a &lt;plumber&gt;");
    // A failed turn says where it failed (the reason in its title), and a trimmed history is marked.
    expect(page).toContain('title="llama.cpp &lt;decode&gt; failed">failed: llm</span>');
    expect(page).toContain('title="1930 -&gt; 1400 tokens">history trimmed</span>');
    expect((await c.get(`/console/calls/${call.id}/recording`)).status).toBe(404);
    expect((await c.get("/console/calls/424242")).status).toBe(404);
  });

  it("lists dead jobs with their error, and retries one", async () => {
    const job = await seedDeadJob(t.services);
    const page = await html("/console/jobs");
    expect(page).toContain(`data-job="${job.id}"`);
    expect(page).toContain("the far end said &lt;no&gt;");
    const res = await c.post(`/console/jobs/${job.id}/retry`, { next: "/console/jobs" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/console/jobs?retried=${job.id}`);
    expect((await t.services.queue.get(job.id))?.status).toBe("queued");
    expect(await html(`/console/jobs?retried=${job.id}`)).toContain(`Job #${job.id} is queued again.`);
    expect((await c.post(`/console/jobs/${job.id}/retry`, {})).status).toBe(409);
  });

  it("validates a pasted agent definition in YAML or JSON, naming what is wrong", async () => {
    expect(await html("/console/agents")).toContain('href="/console/agents/receptionist"');
    expect(await html("/console/agents/receptionist")).toContain("systemPrompt:");
    const ok = await c.post("/console/agents/validate", { definition: "name: helper\nsystemPrompt: You help.\n" });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("Valid: agent &#39;helper&#39;.");
    const json = await c.post("/console/agents/validate", {
      definition: JSON.stringify({ name: "Bad Name", systemPrompt: 3 }),
    });
    expect(json.status).toBe(422);
    const text = await json.text();
    expect(text).toContain("<code>name</code>");
    expect(text).toContain("<code>systemPrompt</code>");
    const yaml = await c.post("/console/agents/validate", { definition: "name: [unclosed" });
    expect(await yaml.text()).toContain("Invalid YAML");
  });

  it("shows engines, profiles and doctor checks", async () => {
    const page = await html("/console/models");
    expect(page).toContain("profile tiny");
    expect(page).toContain("native: better-sqlite3");
    expect(page).not.toContain("http port");
  });

  it("answers unknown console paths with a page, not the API's JSON", async () => {
    const res = await c.get("/console/nowhere");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
  });
});
