import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/paths.js";
import { sippMissing } from "../helpers/sipp-call.js";
import { fliteMissing, soxMissing, speechWavBytes } from "../helpers/speech.js";
import { chromiumMissing, launchChromium } from "./console-browser.js";
import { OPERATOR, SCREENSHOTS, startConsoleWorld, type ConsoleWorld } from "./console-setup.js";

/**
 * The operator console in Debian's chromium, driven by playwright-core (never
 * a downloaded browser), against a real `parley serve --profile tiny` with
 * real voicemails and a real SIPp call. Screenshots go to
 * test-results/screenshots (CI keeps them).
 */
const skip = chromiumMissing || fliteMissing || soxMissing || sippMissing;
if (skip) console.warn(`console browser tests skipped: ${skip}`);

describe.skipIf(skip)("the operator console in a real browser", () => {
  let world: ConsoleWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const url = (path: string) => `${world.server.baseUrl}${path}`;
  const shot = (p: Page, name: string) => p.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const rowStatus = (p: Page, id: number) => p.locator(`#row-${id} .status`).textContent();

  beforeAll(async () => {
    world = await startConsoleWorld();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 820 } });
    page = await context.newPage();
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    expect(await world?.stop()).toBe(0);
  });

  it("signs in and shows the urgent voicemail at the top of the inbox with its badge", async () => {
    await page.goto(url("/console"));
    expect(page.url()).toContain("/console/login");
    await shot(page, "01-login");
    await page.getByLabel("Name").fill(OPERATOR.name);
    await page.getByLabel("Password").fill(OPERATOR.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/console$/); // the home dashboard (test/e2e/console-dashboard.test.ts)
    await page.goto(url("/console/inbox"));
    const first = page.locator(".vm-row").first();
    expect(await first.getAttribute("data-id")).toBe(String(world.urgentId));
    expect(await first.locator(".badge").textContent()).toMatch(/Urgent\s*5\/5/);
    expect(await page.locator(".vm-row").count()).toBe(2);
    await page.waitForSelector('body[data-live="on"]');
    await shot(page, "02-inbox");
  });

  it("plays the urgent message's recording", async () => {
    await page.locator(`#row-${world.urgentId} .vm-link`).click();
    const audio = page.locator(`#vm-${world.urgentId} audio`);
    await expect(audio.isVisible()).resolves.toBe(true);
    const response = page.waitForResponse((r) => r.url().endsWith(`/console/voicemails/${world.urgentId}/audio`));
    await page.keyboard.press("p");
    expect([200, 206]).toContain((await response).status());
    // Playback itself needs an audio sink; headless chromium usually has a fake one, so time moves.
    // String expressions, not functions: the console's CSP (rightly) forbids the eval that waitForFunction would need.
    const currentTime = () =>
      page.evaluate(`document.querySelector("#vm-${world.urgentId} audio").currentTime`) as Promise<number>;
    const moved = await expect
      .poll(currentTime, { timeout: 5000 })
      .toBeGreaterThan(0)
      .then(
        () => true,
        () => false,
      );
    console.info(`audio currentTime advanced: ${moved}`);
    await page.keyboard.press("p");
    await shot(page, "03-playing");
  });

  it("marks it handled, and a second open page sees the change live", async () => {
    const second = await context.newPage();
    await second.goto(url("/console/inbox"));
    await second.waitForSelector('body[data-live="on"]');
    expect(await rowStatus(second, world.urgentId)).toBe("Escalated");
    await page.keyboard.press("h");
    await expect.poll(() => rowStatus(page, world.urgentId)).toBe("Handled");
    await expect.poll(() => rowStatus(second, world.urgentId), { timeout: 10_000 }).toBe("Handled");
    await expect.poll(() => second.locator("#live").textContent()).toContain("is now Handled");
    await shot(second, "04-second-page-live");
    await second.close();
    const api = await fetch(url(`/v1/voicemails/${world.urgentId}`), {
      headers: { authorization: `Bearer ${world.key}` },
    });
    expect(((await api.json()) as { status: string }).status).toBe("handled");
  });

  it("moves through the inbox with the keyboard and shows the shortcuts", async () => {
    await page.goto(url("/console/inbox?status=all"));
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to content");
    await page.keyboard.press("j");
    const current = () => page.locator('.vm-link[aria-current="true"]').getAttribute("data-select");
    const ids = await page.locator(".vm-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-id")));
    expect(await current()).toBe(ids[0]);
    await page.keyboard.press("j");
    expect(await current()).toBe(ids[1]);
    expect(await page.evaluate(`document.activeElement?.getAttribute("data-select")`)).toBe(ids[1]);
    expect(await page.locator(`#vm-${ids[1]}`).isVisible()).toBe(true);
    await page.keyboard.press("k");
    expect(await current()).toBe(ids[0]);
    await page.keyboard.press("?");
    expect(await page.locator("#help").isVisible()).toBe(true);
    await shot(page, "05-shortcuts");
    await page.keyboard.press("Escape");
    expect(await page.locator("#help").isVisible()).toBe(false);
  });

  it("shows a new voicemail as it arrives, and its triage when it is done", async () => {
    await page.goto(url("/console/inbox"));
    await page.waitForSelector('body[data-live="on"]');
    const res = await fetch(url("/v1/voicemails?mailbox=100&caller=%2B15550199"), {
      method: "POST",
      headers: { authorization: `Bearer ${world.key}`, "content-type": "audio/wav" },
      body: speechWavBytes("Hi, this is Bob. Please call me back about my invoice."),
    });
    const id = ((await res.json()) as { voicemail: { id: number } }).voicemail.id;
    await page.waitForSelector(`#row-${id}`, { timeout: 10_000 });
    await expect.poll(() => page.locator("#live").textContent()).toMatch(/New voicemail|is now/);
    await expect.poll(() => rowStatus(page, id), { timeout: 20_000 }).toMatch(/New|Escalated/);
    expect(await page.locator(`#row-${id} .vm-summary`).textContent()).not.toBe("Transcribing...");
    await shot(page, "06-new-voicemail-live");
  });

  it("rejects a forged POST (no CSRF token, or from another origin)", async () => {
    const target = url(`/console/voicemails/${world.routineId}/status`);
    const noToken = await page.request.post(target, { form: { status: "archived" } });
    expect(noToken.status()).toBe(403);
    const token = await page.locator('meta[name="csrf-token"]').getAttribute("content");
    const otherOrigin = await page.request.post(target, {
      form: { status: "archived", _csrf: token ?? "" },
      headers: { origin: "http://evil.example" },
    });
    expect(otherOrigin.status()).toBe(403);
    const api = await fetch(url(`/v1/voicemails/${world.routineId}`), {
      headers: { authorization: `Bearer ${world.key}` },
    });
    expect(((await api.json()) as { status: string }).status).not.toBe("archived");
  });

  it("opens the call's latency waterfall, with its recording", async () => {
    await page.goto(url("/console/calls"));
    await shot(page, "07-calls");
    await page.locator(`a[href="/console/calls/${world.callId}"]`).click();
    await page.waitForSelector(".wf-svg");
    expect(await page.locator(".wf-bar").count()).toBeGreaterThanOrEqual(3);
    expect(await page.locator('.wf-bar[data-stage="firstRtpMs"]').count()).toBeGreaterThanOrEqual(1);
    const rec = await page.request.get(url(`/console/calls/${world.callId}/recording`), {
      headers: { range: "bytes=0-1023" },
    });
    expect(rec.status()).toBe(206);
    await shot(page, "08-call-waterfall");
  });

  it("shows jobs, models with doctor results, and agents (validating a pasted definition)", async () => {
    await page.goto(url("/console/jobs"));
    expect(await page.locator("table.data").first().textContent()).toContain("voicemail.process");
    await shot(page, "09-jobs");
    await page.goto(url("/console/models"));
    expect(await page.locator(".doctor").textContent()).toContain("better-sqlite3");
    expect(await page.locator("body").textContent()).toContain("tiny-llm");
    await shot(page, "10-models");
    await page.goto(url("/console/agents"));
    await page
      .getByLabel("Agent definition (YAML or JSON)")
      .fill("name: night-line\nsystemPrompt: You answer at night.\nlive:\n  greeting: Good evening.\n");
    await page.getByRole("button", { name: "Validate" }).click();
    expect(await page.locator("#validation").textContent()).toContain("Valid: agent 'night-line'.");
    await shot(page, "11-agents");
  });

  it("shows a campaign's progress and outcomes, and starts, pauses and resumes it", async () => {
    await page.goto(url("/console/campaigns"));
    expect(await page.locator("main").textContent()).toContain("No campaigns yet");
    // A campaign whose calling window opens about 12 hours from now (UTC): started, its recipients wait parked, nobody is dialled.
    const hour = String((new Date().getUTCHours() + 12) % 24).padStart(2, "0");
    const api = (path: string, body: unknown) =>
      fetch(url(path), {
        method: "POST",
        headers: { authorization: `Bearer ${world.key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const campaign = (await (
      await api("/v1/campaigns", {
        name: "Delivery reminders",
        text: "Hi {name}, your order ships today.",
        window: { timeZone: "UTC", start: `${hour}:00`, end: `${hour}:30` },
      })
    ).json()) as { id: number };
    const report = (await (
      await api(
        `/v1/campaigns/${campaign.id}/recipients`,
        [1, 2, 3].map((i) => ({ to: `+4420794610${i}0`, name: `Customer ${i}`, timeZone: "UTC" })),
      )
    ).json()) as { imported: number };
    expect(report.imported).toBe(3);

    await page.goto(url("/console/campaigns"));
    const card = page.locator(`[data-campaign="${campaign.id}"]`);
    const status = card.locator(`[data-campaign-status="${campaign.id}"]`);
    expect(await card.locator("h2").textContent()).toBe("Delivery reminders");
    expect(await status.textContent()).toBe("draft");
    expect(await card.locator(`[data-campaign-done="${campaign.id}"]`).textContent()).toBe("0 of 3 recipients done");
    for (const [button, after] of [
      ["Start", "running"],
      ["Pause", "paused"],
      ["Resume", "running"],
    ] as const) {
      await card.getByRole("button", { name: button, exact: true }).click();
      await expect
        .poll(() => page.locator(`[data-campaign-status="${campaign.id}"]`).textContent(), { timeout: 10_000 })
        .toBe(after);
    }
    expect(await page.locator(`[data-counts="status-${campaign.id}"]`).textContent()).toMatch(/\d/);
    await shot(page, "12-campaigns");
    const cancelled = (await (await api(`/v1/campaigns/${campaign.id}/cancel`, {})).json()) as { status: string };
    expect(cancelled.status).toBe("cancelled");
  });

  it("exports every metric the issue lists and the sample Grafana dashboard queries", async () => {
    const metrics = await (await fetch(url("/metrics"))).text();
    // Observed once the call, the voicemails and the engines above have run.
    for (const sample of [
      "parley_calls_active ",
      'parley_turn_latency_seconds_bucket{le="0.5",stage="first_rtp"}',
      "parley_rtp_underruns_total ",
      'parley_jobs{kind="voicemail.process",status="succeeded"}',
      'parley_job_run_seconds_bucket{le="1",kind="voicemail.process"',
      'parley_job_queue_wait_seconds_bucket{le="1",kind="voicemail.process"',
      'parley_engine_rtf_bucket{le="1",role="asr_batch"',
      'parley_llm_tokens_per_second_bucket{le="10",model="tiny-llm"}',
      "parley_tts_cache_hit_ratio ",
      'parley_voicemails{status="handled",urgency="5"} 1',
      'parley_console_logins_total{method="operator",outcome="ok"} 1',
    ]) {
      expect(metrics, sample).toContain(sample);
    }
    const dashboard = readFileSync(join(repoRoot, "docs/grafana-dashboard.json"), "utf8");
    const names = new Set([...dashboard.matchAll(/parley_[a-z_]+/g)].map((m) => m[0].replace(/_bucket$/, "")));
    expect(names.size).toBeGreaterThan(15);
    for (const name of names) expect(metrics, name).toContain(`# HELP ${name} `);
  });
});
