import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient, type ConsoleClient } from "../../helpers/console.js";
import { seedCall, seedVoicemail } from "../../helpers/search-seed.js";

describe("console: what happened to a message or a call", () => {
  let t: TestApp;
  let c: ConsoleClient;
  beforeAll(async () => {
    t = await createTestApp();
    c = await consoleClient(t.app, { key: t.key });
  }, 120_000);
  afterAll(() => t?.close());

  it("shows the routing rule that escalated a message and what each action did", async () => {
    const id = await seedVoicemail(t.services.sql, {
      transcript: "Gas smell in the hall",
      summary: "Gas smell",
      urgency: 5,
      status: "escalated",
    });
    const at = Date.now() + 600_000;
    const routing = {
      matched: ["gas-emergency"],
      actions: [
        { rule: "gas-emergency", type: "status", status: "escalated" },
        { rule: "gas-emergency", type: "callback", inMinutes: 10 },
        { rule: "gas-emergency", type: "webhook", endpoint: "on-call-pager" },
      ],
    };
    await t.services.sql.run("UPDATE voicemails SET routing = ?, callback = ? WHERE id = ?", [
      JSON.stringify(routing),
      JSON.stringify({ jobId: 77, requestedAt: at, at, delay: null }),
      id,
    ]);
    const html = await (await c.get(`/console/voicemails/${id}`)).text();
    expect(html).toContain('data-rule="gas-emergency"');
    expect(html).toMatch(/Set the status to <strong>escalated<\/strong>/);
    expect(html).toContain("Queued a callback (job 77)");
    expect(html).toMatch(/webhook delivery to endpoint <strong>on-call-pager<\/strong>/);
    expect(html).not.toContain("/retry"); // not failed: no Retry
  });

  it("retries a failed message: its dead job runs again and the message is queued (console and API)", async () => {
    const db = t.services.db;
    const id = await seedVoicemail(t.services.sql, { transcript: null, summary: null, status: "failed" });
    const { job } = await t.services.queue.enqueue({ kind: "voicemail.process", payload: { voicemailId: id } });
    db.prepare("UPDATE jobs SET status = 'dead' WHERE id = ?").run(job.id);
    await t.services.sql.run("UPDATE voicemails SET job_id = ?, error = 'asr failed' WHERE id = ?", [job.id, id]);
    const page = await (await c.get(`/console/voicemails/${id}`)).text();
    expect(page).toContain(`action="/console/voicemails/${id}/retry"`);

    const res = await c.post(`/console/voicemails/${id}/retry`, { next: `/console/voicemails/${id}` });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/console/voicemails/${id}`);
    expect((await t.services.queue.get(job.id))?.status).toBe("queued");
    expect(
      (await t.services.sql.get<{ status: string }>("SELECT status FROM voicemails WHERE id = ?", [id]))?.status,
    ).toBe("queued");

    // Not failed any more: a second Retry is refused, and nothing is queued twice.
    expect((await t.request(`/v1/voicemails/${id}/retry`, { method: "POST" })).status).toBe(409);
    // Without CSRF the console refuses.
    expect((await c.post(`/console/voicemails/${id}/retry`, { _csrf: "forged" })).status).toBe(403);

    // A failed message whose job is gone gets a new one.
    const orphan = await seedVoicemail(t.services.sql, { transcript: null, summary: null, status: "failed" });
    const api = await t.request(`/v1/voicemails/${orphan}/retry`, { method: "POST" });
    expect(api.status).toBe(200);
    const body = (await api.json()) as { status: string; jobId: number };
    expect(body.status).toBe("queued");
    expect((await t.services.queue.get(body.jobId))?.kind).toBe("voicemail.process");
    expect((await t.request(`/v1/voicemails/999999/retry`, { method: "POST" })).status).toBe(404);
  });

  it("shows a call's tool calls, keypad turns and survey answers", async () => {
    const calls = new CallsRepo(t.services.sql);
    const id = await seedCall(t.services.sql, ["What are your opening hours?"]);
    await calls.turn(id, {
      index: 1,
      role: "agent",
      text: "We open at nine.",
      at: Date.now(),
      toolCalls: [{ name: "lookup_hours", arguments: { day: "monday" }, result: { opens: "09:00" } }],
    });
    await calls.turn(id, { index: 2, role: "user", text: "4", source: "dtmf", at: Date.now() });
    await t.services.bus.publish("survey.response", `call:${id}`, {
      survey: "after-call",
      agent: "receptionist",
      callId: id,
      rating: 4,
      comment: null,
      channel: "dtmf",
    });
    const html = await (await c.get(`/console/calls/${id}`)).text();
    expect(html).toContain('data-tool="lookup_hours"');
    expect(html).toContain("&quot;day&quot;: &quot;monday&quot;");
    expect(html).toContain("&quot;opens&quot;: &quot;09:00&quot;");
    expect(html).toMatch(/data-keypad[^>]*>\s*keypad/);
    expect(html).toMatch(/<strong>after-call<\/strong>: rated 4 of 5 by keypad/);
  });
});
