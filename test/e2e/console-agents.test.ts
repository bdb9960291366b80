import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumMissing, launchChromium, signIn } from "./console-browser.js";
import { AGENTS_LINE, OPERATOR, SCREENSHOTS, startBareConsole, type BareConsole } from "./console-setup.js";

/**
 * Issue 14, items 7 and 9: editing an agent and chatting with it, in Debian's chromium against a real
 * `parley serve --profile tiny`. The agent's HTTP tool calls a booking service on 127.0.0.1 (tools.allowHosts).
 * The tiny scripted LLM calls `schedule_callback` once the conversation says "back" and says goodbye once a tool
 * result says "scheduled" (scripts/test-models/tiny-defaults.ts), so the HTTP tool carries that name.
 */
const skip = chromiumMissing;
if (skip) console.warn(`console agents browser tests skipped: ${skip}`);

const PROMPT = "You are the front desk of a small restaurant.";

describe.skipIf(skip)("agents in the console: edit with history, chat playground", () => {
  let world: BareConsole;
  let booking: Server;
  const bookings: string[] = [];
  let browser: Browser;
  let page: Page;
  const url = (path: string) => `${world.server.baseUrl}${path}`;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  const editor = () => page.locator("#definition");

  beforeAll(async () => {
    booking = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        bookings.push(body);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ status: "scheduled", ref: "BK-7" }));
      });
    });
    await new Promise<void>((r) => booking.listen(0, "127.0.0.1", r));
    const bookingUrl = `http://127.0.0.1:${(booking.address() as AddressInfo).port}/book`;

    world = await startBareConsole([AGENTS_LINE, 'tools: { allowHosts: ["127.0.0.1"] }']);
    const created = await fetch(url("/v1/agents"), {
      method: "POST",
      headers: { authorization: `Bearer ${world.key}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "desk",
        systemPrompt: PROMPT,
        live: { greeting: "Hello, table bookings here." },
        tools: [
          {
            type: "http",
            name: "schedule_callback",
            description: "Books a call with the team.",
            url: bookingUrl,
            parameters: { type: "object", properties: { when: { type: "string" }, topic: { type: "string" } } },
          },
        ],
      }),
    });
    if (created.status !== 201)
      throw new Error(`creating the agent answered ${created.status}: ${await created.text()}`);

    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
    await signIn(page, world.server.baseUrl, OPERATOR);
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    if (world) expect(await world.stop()).toBe(0);
    await new Promise((r) => (booking ? booking.close(r) : r(undefined)));
  });

  it("shows a refused field next to the editor, keeps the text, and saves a good edit as a new version", async () => {
    await page.goto(url("/console/agents/desk"));
    await page.getByRole("link", { name: "Edit and history" }).click();
    await page.waitForURL(/\/console\/agents\/desk\/edit/);
    expect(await editor().inputValue()).toContain(`systemPrompt: ${PROMPT}`);
    expect(await page.locator("#versions tbody tr").count()).toBe(1);

    const original = await editor().inputValue();
    // The first endpointSilenceMs of the YAML (with defaults filled in) is live.endpointSilenceMs.
    const bad = original.replace(/endpointSilenceMs: \d+/, "endpointSilenceMs: 5");
    expect(bad).not.toBe(original);
    await editor().fill(bad);
    await page.getByRole("button", { name: "Save", exact: true }).click();
    const issue = page.locator('#save-errors li[data-path="live.endpointSilenceMs"]');
    await issue.waitFor();
    expect(await issue.textContent()).toMatch(/live\.endpointSilenceMs \(line \d+\): .*150/);
    expect(await editor().inputValue()).toBe(bad); // nothing the operator typed is lost
    expect(await editor().getAttribute("aria-invalid")).toBe("true");
    await shot("agents-01-edit-refused");

    await editor().fill(original.replace(PROMPT, `${PROMPT} Answer in one sentence.`));
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.waitForURL(/saved=2/);
    expect(await page.locator(".notice.ok").textContent()).toBe("Saved as version 2.");
    const rows = page.locator("#versions tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toMatch(/v2.*ops.*current/s);
    await shot("agents-02-edit-saved");
  });

  it("shows an old version's diff and restores it", async () => {
    await page.getByRole("link", { name: "v1", exact: true }).click();
    await page.waitForURL(/\/versions\/1$/);
    const diff = await page.locator("#diff").textContent();
    expect(diff).toContain(`- systemPrompt: ${PROMPT}`);
    expect(diff).toContain(`+ systemPrompt: ${PROMPT} Answer in one sentence.`);
    await shot("agents-03-version-diff");
    await page.getByRole("button", { name: "Restore v1" }).click();
    await page.waitForURL(/saved=3/);
    expect(await editor().inputValue()).toContain(`systemPrompt: ${PROMPT}\n`);
    expect(await page.locator("#versions tbody tr").first().textContent()).toMatch(/v3.*restored from v1/s);
  });

  it("chats with the agent: its reply, then a real HTTP tool call with arguments and result", async () => {
    await page.goto(url("/console/agents/desk/chat"));
    expect(await page.locator("#chat-log .agent").first().textContent()).toContain("Hello, table bookings here.");
    const input = page.getByLabel("Say to the agent");
    await input.fill("hello");
    await page.getByRole("button", { name: "Send" }).click();
    const agentLines = page.locator("#chat-log .agent .text");
    // Sentence by sentence into one line: wait for the whole reply.
    await expect
      .poll(() => agentLines.nth(1).textContent(), { timeout: 30_000 })
      .toBe("Thanks for calling. How can I help you today?");

    await input.fill("please call me back");
    await page.getByRole("button", { name: "Send" }).click();
    const tool = page.locator('#chat-log .tool[data-tool="schedule_callback"]');
    await tool.locator(".tool-result").waitFor({ timeout: 30_000 });
    expect(await tool.locator(".tool-args pre").textContent()).toContain('"when": "tomorrow 10:00"');
    expect(await tool.locator(".tool-result pre").textContent()).toContain('"ref": "BK-7"');
    await expect
      .poll(() => agentLines.nth(2).textContent(), { timeout: 30_000 })
      .toBe("Perfect, we will call you back tomorrow at ten. Goodbye!");
    expect(bookings.map((b) => JSON.parse(b) as unknown)).toEqual([{ when: "tomorrow 10:00", topic: "order" }]);
    await shot("agents-04-chat");

    await page.getByRole("button", { name: "Reset" }).click();
    await expect.poll(() => page.locator("#chat-log li").count()).toBe(1); // the greeting stays
    await expect.poll(() => page.locator("#chat-status").textContent()).toMatch(/forgotten/);
  });
});
