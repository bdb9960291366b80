import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../src/lib/csv.js";
import { fliteMissing, soxMissing, speechWavBytes, VOICEMAIL_URGENT } from "../helpers/speech.js";
import { chromiumMissing, launchChromium, signIn } from "./console-browser.js";
import { AGENTS_LINE, OPERATOR, SCREENSHOTS, startBareConsole, TRUNK_LINE, type BareConsole } from "./console-setup.js";

/**
 * Campaigns and callbacks in Debian's chromium against a real `parley serve --profile tiny`: a campaign made from
 * a CSV with good and bad rows (the report), its page, pause / resume / cancel, the results CSV with the rejected
 * rows; callbacks promised by urgent voicemails (the receptionist's routing rule), cancelled and rescheduled.
 * The callback hours are set to leave the present hour out, so the callbacks wait (upcoming) instead of dialling.
 */
const skip = chromiumMissing || fliteMissing || soxMissing;
if (skip) console.warn(`campaign console browser tests skipped: ${skip}`);

/**
 * Three callback hours that exclude the present hour wherever the callback's number may be (London, or the Americas
 * when the triage reads another number from the message): no callback is dialled during the test.
 */
const hour = new Date().getUTCHours();
const OFFSETS = [0, 1, -4, -5, -6, -7, -8];
const start = [...Array(22).keys()].find((s) =>
  OFFSETS.every((o) => ((hour + o + 24) % 24) - s >= 3 || (hour + o + 24) % 24 < s),
)!;
const WINDOW = { start: `${String(start).padStart(2, "0")}:00`, end: `${String(start + 3).padStart(2, "0")}:00` };
const CALLERS = ["+442071230101", "+442071230102"];

const CSV = [
  "to,name,order",
  "+442071230201,Ann,A-1",
  "+442071230202,Bob,", // no order: rejected
  "not a number,Cy,A-3", // rejected
  "+442071230204,Dee,A-4",
].join("\n");

interface CallbackJson {
  id: number;
  status: string;
  runAt: string;
  voicemailId: number | null;
}

describe.skipIf(skip)("campaigns and callbacks in the console", () => {
  let world: BareConsole;
  let browser: Browser;
  let page: Page;
  let campaignId: number;
  const url = (path: string) => `${world.server.baseUrl}${path}`;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const api = async <T>(path: string): Promise<T> =>
    (await (await fetch(url(path), { headers: { authorization: `Bearer ${world.key}` } })).json()) as T;

  beforeAll(async () => {
    world = await startBareConsole([
      AGENTS_LINE,
      TRUNK_LINE,
      `notify: { callbacks: { window: { start: "${WINDOW.start}", end: "${WINDOW.end}" } } }`,
    ]);
    for (const [i, caller] of CALLERS.entries()) {
      const res = await fetch(url(`/v1/voicemails?mailbox=frontdesk&caller=${encodeURIComponent(caller)}`), {
        method: "POST",
        headers: { authorization: `Bearer ${world.key}`, "content-type": "audio/wav" },
        // Different words each, or the second upload is the first's duplicate.
        body: speechWavBytes(i === 0 ? VOICEMAIL_URGENT : `${VOICEMAIL_URGENT} Thank you.`),
      });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    }
    // The routing rule (urgency 4+) promises a callback per voicemail; outside the hours, each waits.
    for (let i = 0; ; i++) {
      const list = await api<{ items: CallbackJson[] }>("/v1/callbacks?status=upcoming");
      if (list.items.length === CALLERS.length) break;
      if (i > 300) throw new Error(`expected ${CALLERS.length} upcoming callbacks: ${JSON.stringify(list)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1366, height: 820 }, acceptDownloads: true });
    page = await context.newPage();
    await signIn(page, world.server.baseUrl, OPERATOR);
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    expect(await world?.stop()).toBe(0);
  });

  it("creates a campaign from a CSV with good and bad rows and shows the per-row report", async () => {
    await page.goto(url("/console/campaigns"));
    await page.getByRole("link", { name: "New campaign from CSV" }).click();
    await page.getByLabel("Name").fill("Orders ready");
    await page.getByLabel("Message").fill("Hello {name}, your order {order} is ready.");
    await page.getByLabel("Recipients (CSV)").setInputFiles({
      name: "orders.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(CSV),
    });
    await page.getByRole("button", { name: "Create campaign" }).click();
    const report = page.locator("[data-import-report]");
    await report.waitFor();
    campaignId = Number(await report.getAttribute("data-import-report"));
    expect(await page.locator("[data-import-summary]").textContent()).toBe(
      "4 rows received: 2 imported, 0 on the do-not-call list, 2 rejected.",
    );
    const rejected = await page.locator("table.rejected tbody tr").allTextContents();
    expect(rejected).toHaveLength(2);
    expect(rejected[0]).toContain("missing variables: order");
    expect(page.locator('[data-rejected-row="3"]')).toBeTruthy();
    expect(await page.locator('[data-rejected-row="4"]').textContent()).toContain("not a number");
    await shot("campaigns-01-import-report");
  });

  it("opens the campaign's page with its recipients and rejected rows, and pauses, resumes and cancels it", async () => {
    await page.getByRole("link", { name: "Open the campaign" }).click();
    await page.waitForURL(new RegExp(`/console/campaigns/${campaignId}$`));
    expect(await page.locator("table.recipients tbody tr").count()).toBe(2);
    expect(await page.locator("#rej-h").textContent()).toBe("Rejected rows (2)");
    const status = () => page.locator(`[data-campaign-status="${campaignId}"]`).textContent();
    expect(await status()).toBe("draft");
    await shot("campaigns-02-detail");
    for (const [button, after] of [
      ["Start", "running"],
      ["Pause", "paused"],
      ["Resume", "running"],
    ] as const) {
      await page.getByRole("button", { name: button, exact: true }).click();
      await expect.poll(status).toBe(after);
    }
    await page.locator("details.danger summary").click();
    await page.getByRole("button", { name: "Cancel this campaign" }).click();
    await expect.poll(status).toBe("cancelled");
    // The status filter: nobody is pending any more.
    await page.getByLabel("Status", { exact: true }).selectOption("pending");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=pending/);
    expect(await page.locator("table.recipients").count()).toBe(0);
    await shot("campaigns-03-cancelled");
  });

  it("downloads the results CSV, the rejected rows in it with their reason", async () => {
    await page.goto(url(`/console/campaigns/${campaignId}`));
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download results CSV" }).click();
    const file = await (await download).path();
    const rows = parseCsv(readFileSync(file, "utf8")).map((r) => r.fields);
    expect(rows[0]?.slice(0, 3)).toEqual(["row", "to", "status"]);
    const rejected = rows.filter((r) => r[2] === "rejected").map((r) => [r[0], r[1], r[11]]);
    expect(rejected).toEqual([
      ["3", "+442071230202", "missing variables: order"],
      ["4", "not a number", expect.stringContaining("not a phone number")],
    ]);
    // The imported rows first, in upload order (cancelled, or failed if the invalid trunk was dialled first).
    expect(rows.slice(1, 3).map((r) => [r[0], r[1]])).toEqual([
      ["2", "+442071230201"],
      ["5", "+442071230204"],
    ]);
  });

  it("cancels one callback and reschedules another, refusing a time outside the callback hours", async () => {
    await page.goto(url("/console/callbacks"));
    const rows = page.locator("table.callbacks tbody tr");
    expect(await rows.count()).toBe(2);
    await shot("callbacks-01-upcoming");
    const [second, first] = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-callback"))));
    await page.locator(`#cb-${first}`).getByRole("button", { name: "Cancel" }).click();
    await page.waitForURL(/status=cancelled/);
    expect(await page.locator(".notice").textContent()).toContain(`Callback ${first} cancelled.`);
    expect(await page.locator(`[data-callback-status="${first}"]`).textContent()).toBe("cancelled");
    expect((await api<CallbackJson>(`/v1/callbacks/${first}`)).status).toBe("cancelled");

    await page.goto(url("/console/callbacks?status=upcoming"));
    // The callback waits because now is outside its hours (in its number's zone): so is this time tomorrow. Its
    // runAt is the window's opening: half an hour after that, tomorrow, is inside.
    const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const outside = minute(Date.now() + 24 * 3600_000);
    const inside = minute(Date.parse((await api<CallbackJson>(`/v1/callbacks/${second}`)).runAt) + 24.5 * 3600_000);
    await page.locator(`#cb-${second}-at`).fill(outside);
    await page.locator(`#cb-${second}`).getByRole("button", { name: "Reschedule" }).click();
    expect(await page.locator(".notice").textContent()).toContain("outside the callback hours");
    await shot("callbacks-02-refused");
    await page.locator(`#cb-${second}-at`).fill(inside);
    await page.locator(`#cb-${second}`).getByRole("button", { name: "Reschedule" }).click();
    await page.waitForURL(/done=/);
    expect(await page.locator(".notice").textContent()).toContain(`Callback ${second} moved to`);
    const moved = await api<CallbackJson>(`/v1/callbacks/${second}`);
    expect(moved).toMatchObject({ status: "upcoming", runAt: `${inside}:00.000Z` });
    // The voicemail that asked for it links here.
    await page.goto(url(`/console/callbacks?voicemail=${moved.voicemailId}`));
    expect(await page.locator("table.callbacks tbody tr").count()).toBe(1);
    await shot("callbacks-03-rescheduled");
  });
});
