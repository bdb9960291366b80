import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient, type ConsoleClient } from "../../helpers/console.js";
import { START, TEST_TRUNK } from "../notify/helpers.js";

/**
 * The compliance, webhooks, templates and notifications pages over `app.request()` with the tiny engines
 * (templates render through the real TTS cache), signed in with an API key.
 */
let t: TestApp;
let c: ConsoleClient;
beforeAll(async () => {
  t = await createTestApp({
    engines: "tiny",
    config: { clock: { startAt: START }, sip: { trunk: TEST_TRUNK }, webhooks: { allowHosts: ["127.0.0.1"] } },
  });
  c = await consoleClient(t.app, { key: t.key });
}, 180_000);
afterAll(() => t?.close());

const page = async (path: string) => {
  const res = await c.get(path);
  expect(res.status, path).toBe(200);
  return await res.text();
};
const multipart = (fields: Record<string, string>, file: { name: string; text: string }) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new File([file.text], file.name, { type: "text/csv" }));
  return c.get("/console/dnc/import", { method: "POST", body: form, headers: { "x-csrf-token": c.csrf } });
};

describe("console: do not call", () => {
  it("adds a number normalised as the API does, and audits it under the signed-in key", async () => {
    const res = await c.post("/console/dnc", { number: "+1 (212) 555-0199", reason: "called the front desk" });
    expect(res.status).toBe(303);
    const html = await page(res.headers.get("location") ?? "");
    expect(html).toContain("+12125550199 is on the do-not-call list.");
    expect(html).toContain('data-dnc="+12125550199"');
    expect(html).toMatch(
      /<td>\+12125550199<\/td><td>added<\/td><td>Console<\/td><td>key [^<]+ \([^)]+\)<\/td><td>called the front desk<\/td>/,
    );
  });

  it("refuses what is not a number, and a removal without a reason, changing nothing", async () => {
    const bad = await c.post("/console/dnc", { number: "call me maybe" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("is not a phone number or SIP URI");
    const noReason = await c.post("/console/dnc/remove", { number: "+12125550199", reason: " " });
    expect(noReason.status).toBe(400);
    expect(await t.features.notify.context().dnc.listed("+12125550199")).not.toBeNull();
  });

  it("removes a number with its reason and shows both changes in its audit trail", async () => {
    const res = await c.post("/console/dnc/remove", { number: "+12125550199", reason: "consent on file" });
    expect(res.status).toBe(303);
    const html = await page("/console/dnc?number=%2B12125550199");
    expect(html).toContain("Audit trail of +12125550199");
    expect(html).toMatch(
      /<td>\+12125550199<\/td><td>removed<\/td><td>Console<\/td><td>key [^<]+<\/td><td>consent on file<\/td>/,
    );
    expect(html).not.toContain('data-dnc="+12125550199"');
  });

  it("imports a CSV and reports its bad row; searches by prefix", async () => {
    const res = await multipart(
      {},
      { name: "list.csv", text: "number,reason\n+442071838750,x\nnope,y\n+442071838751,\n" },
    );
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("3 rows: 2 added, 0 already listed, 1 rejected.");
    expect(html).toMatch(
      /data-rejected-row="3"><td class="num">3<\/td><td><code>nope<\/code><\/td><td>not a phone number or SIP URI/,
    );
    const search = await page("/console/dnc?q=44207");
    expect(search).toContain('data-dnc="+442071838750"');
    expect(search).toContain('data-dnc="+442071838751"');
    expect(await page("/console/dnc?q=1212")).toContain("No listed number starts with that.");
  });

  it("shows each campaign's own calling window and quiet days, and the defaults where it has none", async () => {
    const create = (body: unknown) =>
      t.request("/v1/campaigns", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const own = (await (
      await create({
        name: "Recall",
        text: "Hello.",
        window: { timeZone: "Europe/London", start: "10:00", end: "18:00", quietDays: ["sat", "sun"] },
      })
    ).json()) as { id: number };
    const plain = (await (await create({ name: "Plain", text: "Hi." })).json()) as { id: number };
    const html = await page("/console/dnc");
    expect(html).toMatch(
      new RegExp(
        `data-campaign-window="${own.id}"><td>Recall</td><td>draft</td><td>10:00-18:00</td><td>Europe/London</td><td>sat, sun</td>`,
      ),
    );
    expect(html).toMatch(
      new RegExp(
        `data-campaign-window="${plain.id}"><td>Plain</td><td>draft</td><td>09:00-20:00 \\(default\\)</td><td>the recipient(?:'|&#39;)s</td><td>sun \\(default\\)</td>`,
      ),
    );
  });
});

describe("console: templates", () => {
  it("renders a template through the TTS cache for the page's audio element; a second render is all hits", async () => {
    const created = await t.request("/v1/templates", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "reminder", text: "Hello {name}. Your table is ready." }),
    });
    const { id } = (await created.json()) as { id: number };
    const html = await page("/console/templates");
    expect(html).toContain(`action="/console/templates/${id}/audio.wav"`);
    expect(html).toContain('name="v.name"');
    expect(html).toContain(`data-audio-of="${id}"`);
    const render = () => c.get(`/console/templates/${id}/audio.wav?v.name=Ann`);
    const first = await render();
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("audio/wav");
    expect(Number(first.headers.get("x-cache-misses"))).toBeGreaterThan(0);
    const wav = new Uint8Array(await first.arrayBuffer());
    expect(new TextDecoder().decode(wav.slice(0, 4))).toBe("RIFF");
    expect(wav.byteLength).toBeGreaterThan(44 + 8000);
    const second = await render();
    expect(second.headers.get("x-cache-misses")).toBe("0");
    expect(Number(second.headers.get("x-cache-hits"))).toBeGreaterThan(0);
    expect((await second.arrayBuffer()).byteLength).toBe(wav.byteLength);
    expect((await c.get(`/console/templates/${id}/audio.wav`)).status).toBe(400); // {name} missing
    expect((await c.get("/console/templates/999/audio.wav")).status).toBe(404);
  });
});

describe("console: webhooks and notifications", () => {
  it("lists an endpoint, queues a test from its page, and shows the queued attempt's delivery log", async () => {
    const res = await t.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "ops", url: "http://127.0.0.1:9/hook", events: ["*"] }),
    });
    const { id } = (await res.json()) as { id: number };
    expect(await page("/console/webhooks")).toContain(`href="/console/webhooks/${id}"`);
    const sent = await c.post(`/console/webhooks/${id}/test`, {});
    expect(sent.status).toBe(303);
    const detail = await page(sent.headers.get("location") ?? "");
    expect(detail).toMatch(/A webhook\.test event \(#\d+\) is queued for ops/);
    expect(detail).toContain("Nothing sent yet."); // no worker runs here: the attempt is queued, not made
    expect((await c.get("/console/webhooks/999")).status).toBe(404);
  });

  it("lists notifications with their status and filters them", async () => {
    const res = await t.request("/v1/notifications", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ to: "+44 20 7183 8752", text: "Your parcel is here." }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: number };
    const all = await page("/console/notifications");
    expect(all).toContain(`data-notification="${id}" data-status="scheduled"`);
    expect(await page("/console/notifications?to=%2B442071838752")).toContain(`data-notification="${id}"`);
    expect(await page("/console/notifications?status=completed")).toContain("No notifications match.");
  });
});
