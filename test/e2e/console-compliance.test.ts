import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { humanHello } from "../helpers/callee-audio.js";
import { repoRoot } from "../helpers/paths.js";
import { sippMissing } from "../helpers/sipp-call.js";
import { startCallee, type RunningCallee } from "../helpers/sipp-callee.js";
import { fliteMissing, soxMissing } from "../helpers/speech.js";
import { startReceiver, type Receiver } from "../integration/api/webhook-receiver.js";
import { freePort, freeMediaPort } from "../integration/sip/helpers.js";
import { chromiumMissing, launchChromium, signIn } from "./console-browser.js";
import { OPERATOR, SCREENSHOTS, startBareConsole, type BareConsole } from "./console-setup.js";

/**
 * The compliance, webhooks, templates and notifications pages in Debian's chromium against a real
 * `parley serve --profile tiny`: a webhook receiver on 127.0.0.1, and two SIPp callees that answer a
 * notification and press 1 (confirm) or 9 (opt out). The service clock starts at 10:00 UTC, inside the
 * London recipients' calling window.
 */
const skip = chromiumMissing || fliteMissing || soxMissing || sippMissing;
if (skip) console.warn(`console compliance browser tests skipped: ${skip}`);
const DTMF_1 = "/usr/share/sip-tester/dtmf_2833_1.pcap";
const DTMF_9 = "/usr/share/sip-tester/dtmf_2833_9.pcap";

describe.skipIf(skip)("compliance, webhooks, templates and notifications in a real browser", () => {
  let world: BareConsole;
  let rx: Receiver;
  let browser: Browser;
  let page: Page;
  const callees: RunningCallee[] = [];
  const notes: { confirm: number; optOut: number; optOutTo: string } = { confirm: 0, optOut: 0, optOutTo: "" };
  let flakyId = 0;
  let templateId = 0;
  const url = (path: string) => `${world.server.baseUrl}${path}`;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const api = async <T>(path: string, body?: unknown): Promise<T> => {
    const res = await fetch(url(path), {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${world.key}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  };

  beforeAll(async () => {
    world = await startBareConsole([
      `agents: { dir: ${join(repoRoot, "agents")}, default: receptionist }`,
      'clock: { startAt: "2026-11-25T10:00:00Z" }',
      "calls: { outbound: { ringTimeoutMs: 5000 } }",
      "rtp: { ports: { min: 35000, max: 35099 } }",
      'webhooks: { allowHosts: ["127.0.0.1"], maxAttempts: 1 }',
    ]);
    rx = await startReceiver();
    const hello = humanHello();
    const ports = { confirm: await freePort(), optOut: await freePort() };
    for (const [port, pcap] of [
      [ports.confirm, DTMF_1],
      [ports.optOut, DTMF_9],
    ] as const) {
      callees.push(
        startCallee(
          { kind: "answer", audio: hello, dtmfPcap: pcap, dtmfAfterMs: 6000, holdMs: 20_000 },
          { port, mediaPort: await freeMediaPort(), calls: 1, timeoutS: 150 },
        ),
      );
    }
    await api("/v1/webhooks", { name: "ops-desk", url: rx.url("/hook"), events: ["dnc.added"] });
    // One attempt per delivery (webhooks.maxAttempts: 1): the first answer, 503, leaves a dead delivery to retry.
    rx.script("/flaky", [503, 200]);
    flakyId = (
      await api<{ id: number }>("/v1/webhooks", { name: "flaky", url: rx.url("/flaky"), events: ["dnc.added"] })
    ).id;
    templateId = (
      await api<{ id: number }>("/v1/templates", { name: "pickup", text: "Hello {name}. Your order is ready." })
    ).id;
    // The calls run while the first pages are checked; the last test waits for their outcomes.
    const menu = { "1": "confirm", "9": "opt_out" };
    notes.optOutTo = `sip:+442079460002@127.0.0.1:${ports.optOut}`;
    notes.confirm = (
      await api<{ id: number }>("/v1/notifications", {
        to: `sip:+442079460001@127.0.0.1:${ports.confirm}`,
        text: "Your order is ready.",
        menu,
      })
    ).id;
    notes.optOut = (
      await api<{ id: number }>("/v1/notifications", { to: notes.optOutTo, text: "Your order is ready.", menu })
    ).id;
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, world.server.baseUrl, OPERATOR, "/console/dnc", /\/console\/dnc/);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    for (const c of callees) c.kill();
    await rx?.close();
    // SIGTERM drains: a call still on the line (a slow run) is ended and recorded first.
    if (world) expect(await world.stop(60_000)).toBe(0);
  }, 120_000);

  it("adds a number, finds it, removes it with a reason and shows both in its audit trail", async () => {
    await page.getByLabel("Number", { exact: true }).fill("+44 20 7946 0999");
    await page.getByLabel("Reason", { exact: true }).fill("asked at the counter");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await page.waitForSelector('tr[data-dnc="+442079460999"]');
    expect(await page.locator(".notice").textContent()).toContain("+442079460999 is on the do-not-call list.");
    await page.getByLabel("Number starts with").fill("+4420794609");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL(/q=/);
    expect(await page.locator("#dnc-list tbody tr").count()).toBe(1);
    await page.getByLabel("Why remove +442079460999").fill("consent on file");
    await page.getByRole("button", { name: "Remove" }).click();
    await page.waitForSelector(".notice.ok");
    expect(await page.locator('tr[data-dnc="+442079460999"]').count()).toBe(0);
    // This number's rows only: an opt-out from the calls running meanwhile may land between them.
    const trail = page.locator('[data-audit="audit-h"] tbody tr', { hasText: "+442079460999" });
    expect(await trail.nth(0).textContent()).toMatch(/\+442079460999removedConsoleoperator opsconsent on file/);
    expect(await trail.nth(1).textContent()).toMatch(/\+442079460999addedConsoleoperator opsasked at the counter/);
    await shot("compliance-01-dnc-audit");
  });

  it("imports a CSV with a bad row and shows its report", async () => {
    await page.getByLabel("CSV file (number, reason)").setInputFiles({
      name: "opt-outs.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("number,reason\n+442079460101,letter\nnot-a-number,typo\n+442079460102,\n"),
    });
    await page.getByRole("button", { name: "Import" }).click();
    await page.waitForSelector("[data-import-report]");
    expect(await page.locator("[data-import-report] p").textContent()).toBe(
      "3 rows: 2 added, 0 already listed, 1 rejected.",
    );
    expect(await page.locator('tr[data-rejected-row="3"]').textContent()).toContain("not-a-number");
    expect(await page.locator('tr[data-dnc="+442079460102"]').count()).toBe(1);
    await shot("compliance-02-dnc-import");
  });

  it("sends a webhook test and sees it delivered in the delivery log", async () => {
    await page.goto(url("/console/webhooks"));
    await page.getByRole("link", { name: "ops-desk" }).click();
    await page.getByRole("button", { name: "Send a test" }).click();
    await page.waitForSelector(".notice.ok");
    let row = page.locator('#delivery-log tr[data-event-type="webhook.test"]');
    for (let i = 0; i < 60 && (await row.count()) === 0; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await page.reload();
      row = page.locator('#delivery-log tr[data-event-type="webhook.test"]');
    }
    expect(await row.first().getAttribute("data-delivery-status")).toBe("succeeded");
    expect(await row.first().textContent()).toContain("HTTP 200");
    expect(rx.to("/hook").some((r) => r.headers["parley-event"] === "webhook.test")).toBe(true);
    await shot("compliance-03-webhook-log");
  });

  it("retries a delivery that failed, from the delivery log", async () => {
    await page.goto(url(`/console/webhooks/${flakyId}`));
    const log = page.locator('#delivery-log tr[data-event-type="dnc.added"]');
    const last = log.last(); // the oldest: the first number added, answered 503
    expect(await last.getAttribute("data-delivery-status")).toBe("dead");
    expect(await last.textContent()).toContain("HTTP 503");
    const event = (await last.locator("td").nth(1).textContent()) ?? ""; // "dnc.added #3"
    await last.getByRole("button", { name: "Retry" }).click();
    await page.waitForSelector(".notice.ok");
    // Other dnc.added deliveries may be logged meanwhile: wait for this delivery, by its state.
    for (let i = 0; i < 60 && (await last.getAttribute("data-delivery-status")) !== "succeeded"; i++) {
      await new Promise((r) => setTimeout(r, 500));
      await page.reload();
    }
    expect(await last.getAttribute("data-delivery-status")).toBe("succeeded");
    const newest = log.filter({ hasText: event }).first();
    expect(await newest.textContent()).toContain("HTTP 200");
    await shot("compliance-03b-webhook-retry");
  });

  it("renders a template and plays it in the page", async () => {
    await page.goto(url("/console/templates"));
    await page.getByLabel("name", { exact: true }).fill("Ann");
    await page.getByRole("button", { name: "Render and listen" }).click();
    const status = page.locator(`[data-render-status="${templateId}"]`);
    await status.filter({ hasText: "Rendered" }).waitFor({ timeout: 60_000 });
    expect(await status.textContent()).toMatch(/from the TTS cache, \d+ synthesised now/);
    // String expressions, as console.test.ts does: the page's CSP forbids the eval a function would need.
    const audio = (expr: string) =>
      page.evaluate(`document.querySelector('audio[data-audio-of="${templateId}"]').${expr}`);
    const playable = async () =>
      ((await audio("readyState")) as number) >= 1 && ((await audio("duration")) as number) > 0;
    for (let i = 0; i < 60 && !(await playable()); i++) await new Promise((r) => setTimeout(r, 500));
    expect(await audio("duration")).toBeGreaterThan(0.5);
    expect(await audio("currentSrc")).toContain(`/console/templates/${templateId}/audio.wav?v.name=Ann`);
    expect(await audio("error")).toBeNull();
    await shot("compliance-04-template-listen");
  });

  it("shows a delivered notification, and the opt-out in the opt-out log", async () => {
    let settled = false;
    for (let i = 0; i < 240 && !settled; i++) {
      const n = await Promise.all(
        [notes.confirm, notes.optOut].map((id) => api<{ status: string }>(`/v1/notifications/${id}`)),
      );
      settled = n.every((x) => x.status === "completed" || x.status === "failed");
      if (settled) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(settled, "both notification calls ended within 120 s").toBe(true);
    await page.goto(url("/console/notifications?status=completed"));
    const confirm = page.locator(`tr[data-notification="${notes.confirm}"]`);
    expect(await confirm.getAttribute("data-status")).toBe("completed");
    expect(await confirm.textContent()).toContain("delivered human");
    expect(await page.locator(`tr[data-notification="${notes.optOut}"]`).textContent()).toContain("opted out");
    await shot("compliance-05-notifications");
    await page.goto(url("/console/dnc"));
    const optOut = page.locator('[data-audit="optout-h"] tbody tr').first();
    expect(await optOut.textContent()).toContain("+442079460002");
    expect(await optOut.textContent()).toContain(`#${notes.optOut}`);
    expect(await optOut.textContent()).toContain("Opted out by key");
  }, 180_000);
});
