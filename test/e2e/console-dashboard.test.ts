import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sippMissing } from "../helpers/sipp-call.js";
import { fliteMissing, soxMissing, speechWavBytes } from "../helpers/speech.js";
import { chromiumMissing, launchChromium } from "./console-browser.js";
import { OPERATOR, SCREENSHOTS, startConsoleWorld, type ConsoleWorld } from "./console-setup.js";

/**
 * The home dashboard, search and "what happened" in Debian's chromium against a real `parley serve --profile
 * tiny` (console-setup.ts: two processed voicemails, the urgent one escalated by the receptionist's routing rule,
 * and a SIPp call). One server for the file. Tool calls, keypad turns and survey answers on a call page are checked
 * over app.request (test/integration/console/explain.test.ts).
 */
const skip = chromiumMissing || fliteMissing || soxMissing || sippMissing;
if (skip) console.warn(`console dashboard browser tests skipped: ${skip}`);

describe.skipIf(skip)("the console's home, search and explanations in a real browser", () => {
  let world: ConsoleWorld;
  let browser: Browser;
  let page: Page;
  const url = (path: string) => `${world.server.baseUrl}${path}`;
  const shot = (p: Page, name: string) => p.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(url(path), {
      ...init,
      headers: { authorization: `Bearer ${world.key}`, ...(init.headers as Record<string, string>) },
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const statusOf = async (id: number) => (await api<{ status: string }>(`/v1/voicemails/${id}`)).body.status;

  beforeAll(async () => {
    world = await startConsoleWorld();
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    if (world) expect(await world.stop()).toBe(0);
  });

  it("signs in to the dashboard: today's numbers as the API counts them, and the plots", async () => {
    await page.goto(url("/console"));
    await page.getByLabel("Name").fill(OPERATOR.name);
    await page.getByLabel("Password").fill(OPERATOR.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/console$/);
    const stats = (await api<{ today: { voicemails: Record<string, number> }; openEscalations: number }>("/v1/stats"))
      .body;
    expect(stats.today.voicemails.total).toBe(2);
    expect(await page.locator('#today-voicemails [data-stat="total"]').textContent()).toBe("2");
    // The tiny batch ASR hears its one script in every message: both are triaged urgent.
    expect(await page.locator('#today-voicemails [data-urgency="5"]').textContent()).toBe(
      String(stats.today.voicemails["5"]),
    );
    expect(await page.locator('[data-stat="escalations"]').textContent()).toBe(String(stats.openEscalations));
    // The SIPp call, and the urgent message's routing callback when it has been placed already.
    expect(Number(await page.locator('#today-calls [data-stat="total"]').textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.locator('svg[data-plot="volume"]').count()).toBe(2);
    expect(await page.locator('svg[data-plot="latency"]').count()).toBe(2);
    expect(await page.locator('svg[data-plot="volume"] rect.bar.voicemails').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-stat="engines"]').textContent()).toContain("all ready");
    await page.waitForSelector('body[data-live="on"]');
    await shot(page, "dashboard-01-home");
  });

  it("updates live when a new voicemail arrives", async () => {
    const res = await fetch(url("/v1/voicemails?mailbox=100&caller=%2B15550177"), {
      method: "POST",
      headers: { authorization: `Bearer ${world.key}`, "content-type": "audio/wav" },
      body: speechWavBytes("Hi, this is Bob, about the delivery."),
    });
    expect(res.status).toBe(201);
    await expect
      .poll(() => page.locator('#today-voicemails [data-stat="total"]').textContent(), { timeout: 30_000 })
      .toBe("3");
    expect(page.url()).toMatch(/\/console$/); // no reload: the panel was swapped in
  });

  it("searches from the inbox and finds a voicemail by a word of its transcript", async () => {
    const vm = (await api<{ transcript: string | null }>(`/v1/voicemails/${world.urgentId}`)).body;
    const word = (vm.transcript ?? "").split(/[^A-Za-z]+/).find((w) => w.length >= 6);
    expect(word, `a word of the transcript "${vm.transcript}"`).toBeTruthy();
    await page.goto(url("/console/inbox"));
    await page.getByLabel("Search transcripts and summaries").fill(word!);
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await page.waitForURL(/\/console\/search\?/);
    const hit = page.locator(`.search-hit[data-kind="voicemail"][data-id="${world.urgentId}"]`);
    expect(await hit.count()).toBe(1);
    expect((await hit.locator("mark").first().textContent())?.toLowerCase()).toBe(word!.toLowerCase());
    await shot(page, "dashboard-02-search");
    await hit.locator("a").first().click();
    await page.waitForURL(new RegExp(`/console/voicemails/${world.urgentId}$`));
  });

  it("shows which routing rule escalated the urgent message and what its actions did", async () => {
    await page.goto(url(`/console/voicemails/${world.urgentId}`));
    const routing = page.locator(".vm-routing");
    expect(await routing.locator('[data-rule="emergencies-to-on-call"]').count()).toBe(1);
    expect(await routing.locator('[data-action="status"]').textContent()).toContain("Set the status to escalated");
    expect(await routing.locator('[data-action="webhook"]').textContent()).toContain("on-call");
    expect(await routing.locator('[data-action="callback"]').count()).toBe(1);
    await shot(page, "dashboard-03-routing");
  });

  it("retries a failed message from its page, and the pipeline runs again", async () => {
    // A message whose processing job is cancelled fails ("processing was cancelled"); upload until one is caught queued.
    let failedId: number | null = null;
    for (let i = 0; i < 3 && failedId === null; i++) {
      const up = await api<{ voicemail: { id: number; jobId: number } }>(
        "/v1/voicemails?mailbox=100&caller=%2B15550188",
        {
          method: "POST",
          headers: { "content-type": "audio/wav" },
          body: speechWavBytes(`Hello, this is Carol, message number ${i + 1}.`),
        },
      );
      const cancel = await fetch(url(`/v1/jobs/${up.body.voicemail.jobId}/cancel`), {
        method: "POST",
        headers: { authorization: `Bearer ${world.key}` },
      });
      if (cancel.status !== 200) continue;
      await expect.poll(() => statusOf(up.body.voicemail.id), { timeout: 15_000 }).toBe("failed");
      failedId = up.body.voicemail.id;
    }
    expect(failedId, "a processing job cancelled before it finished").not.toBeNull();
    await page.goto(url(`/console/voicemails/${failedId}`));
    await shot(page, "dashboard-04-failed");
    await page.getByRole("button", { name: "Retry" }).click();
    await page.waitForURL(new RegExp(`/console/voicemails/${failedId}$`));
    await expect.poll(() => statusOf(failedId!), { timeout: 60_000 }).toMatch(/^(processed|escalated)$/);
  });
});
