import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient } from "../../helpers/console.js";

const json = { "content-type": "application/json" };

/**
 * The tiny scripted LLM answers "Thanks for calling. How can I help you today?" to anything, calls
 * `schedule_callback({"when": "tomorrow 10:00", "topic": "order"})` once the prompt says "back", and says
 * "Perfect, we will call you back tomorrow at ten. Goodbye!" once a tool result says "scheduled"
 * (scripts/test-models/tiny-defaults.ts). So the prompts and tool descriptions here avoid those words, and the
 * HTTP tool is named schedule_callback: the only function the scripted model can call.
 */
const builtinAgent = {
  name: "chat-desk",
  systemPrompt: "You are the front desk of a small restaurant.",
  live: { greeting: "Hello, table bookings here." },
  tools: [{ type: "builtin", name: "schedule_callback" }],
};

interface Reply {
  sessionId: string;
  greeting: string | null;
  reply: string;
  toolCalls: { name: string; arguments: Record<string, unknown>; result: unknown }[];
  actions: { type: string; description: string }[];
  failure: unknown;
}

/** A booking service on 127.0.0.1 that the agent's HTTP tool really calls. */
async function bookingService(): Promise<{ url: string; bodies: string[]; close: () => Promise<void> }> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "scheduled", ref: "BK-42" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/book`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Server-Sent Events of a whole response, in order. */
async function sseEvents(res: Response): Promise<{ event: string; data: unknown }[]> {
  const text = (await res.text()).replace(/\r\n/g, "\n");
  return text
    .split("\n\n")
    .filter((f) => f.trim())
    .map((frame) => {
      const lines = frame.split("\n");
      const event =
        lines
          .find((l) => l.startsWith("event:"))
          ?.slice(6)
          .trim() ?? "message";
      const data = lines
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      return { event, data: JSON.parse(data) as unknown };
    });
}

/**
 * Issue 14, item 7: the chat playground. POST /v1/agents/{name}/chat answers with the agent's live-call turn code,
 * LLM (the tiny scripted one) and tools; HTTP tools really run; phone-line tools only say what they would do.
 */
describe("agent chat playground (POST /v1/agents/{name}/chat)", () => {
  let t: TestApp;
  let booking: Awaited<ReturnType<typeof bookingService>>;
  const say = async (agent: string, message: string, sessionId?: string) => {
    const res = await t.request(`/v1/agents/${agent}/chat`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ message, ...(sessionId ? { sessionId } : {}) }),
    });
    return { status: res.status, body: (await res.json()) as Reply & { error?: { code: string; message: string } } };
  };

  beforeAll(async () => {
    booking = await bookingService();
    t = await createTestApp({ engines: "tiny", config: { tools: { allowHosts: ["127.0.0.1"] } } });
    for (const agent of [
      builtinAgent,
      {
        name: "chat-http",
        systemPrompt: "You are the front desk of a small restaurant.",
        tools: [
          {
            type: "http",
            name: "schedule_callback",
            description: "Books a call with the team.",
            url: booking.url,
            parameters: { type: "object", properties: { when: { type: "string" }, topic: { type: "string" } } },
          },
        ],
      },
    ]) {
      const res = await t.request("/v1/agents", { method: "POST", headers: json, body: JSON.stringify(agent) });
      expect(res.status, await res.text()).toBe(201);
    }
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await booking?.close();
  });

  it("answers with the scripted LLM and keeps the session's history until reset", async () => {
    const first = await say("chat-desk", "hello");
    expect(first.status).toBe(200);
    expect(first.body.greeting).toBe("Hello, table bookings here.");
    expect(first.body.reply).toBe("Thanks for calling. How can I help you today?");
    expect(first.body.toolCalls).toEqual([]);

    // Same session: the builtin schedule_callback runs its checks but queues nothing, and the hang-up it asks for
    // is reported, not done.
    const second = await say("chat-desk", "please call me back", first.body.sessionId);
    expect(second.status).toBe(200);
    expect(second.body.greeting).toBeNull();
    expect(second.body.toolCalls).toHaveLength(1);
    expect(second.body.toolCalls[0]).toMatchObject({
      name: "schedule_callback",
      arguments: { when: "tomorrow 10:00", topic: "order" },
      result: { status: "scheduled", jobId: null },
    });
    expect(second.body.reply).toBe("Perfect, we will call you back tomorrow at ten. Goodbye!");
    expect(second.body.actions.map((a) => a.type)).toEqual(["callback", "hangup"]);
    expect(second.body.actions[0]!.description).toMatch(/nothing was queued/);
    // Through the queue: with store.url its jobs are in PostgreSQL.
    expect((await t.services.queue.list({ kind: "callback.place" })).jobs).toHaveLength(0);

    const reset = await t.request(`/v1/agents/chat-desk/chat/${first.body.sessionId}`, { method: "DELETE" });
    expect(reset.status).toBe(204);
    const gone = await say("chat-desk", "hello", first.body.sessionId);
    expect(gone.status).toBe(404);
    expect(gone.body.error?.message).toMatch(/send without sessionId to start one/);
    expect((await t.request(`/v1/agents/chat-desk/chat/${first.body.sessionId}`, { method: "DELETE" })).status).toBe(
      404,
    );
  });

  it("really calls an HTTP tool on 127.0.0.1 and streams the turn as Server-Sent Events", async () => {
    const res = await t.request("/v1/agents/chat-http/chat", {
      method: "POST",
      headers: { ...json, accept: "text/event-stream" },
      body: JSON.stringify({ message: "please call me back" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = await sseEvents(res);
    // Sentence by sentence, as a caller would hear them.
    const kinds = events.map((e) => e.event);
    expect(kinds.filter((k, i) => k !== kinds[i - 1])).toEqual(["session", "tool_call", "tool_result", "text", "done"]);
    expect(events[1]!.data).toEqual({
      name: "schedule_callback",
      arguments: { when: "tomorrow 10:00", topic: "order" },
    });
    expect(events[2]!.data).toEqual({ name: "schedule_callback", result: { status: "scheduled", ref: "BK-42" } });
    const said = events.filter((e) => e.event === "text").map((e) => (e.data as { text: string }).text);
    expect(said.join(" ")).toBe("Perfect, we will call you back tomorrow at ten. Goodbye!");
    expect(events.at(-1)!.data).toMatchObject({
      reply: "Perfect, we will call you back tomorrow at ten. Goodbye!",
      actions: [],
    });
    expect(booking.bodies.map((b) => JSON.parse(b) as unknown)).toEqual([{ when: "tomorrow 10:00", topic: "order" }]);
  });

  it("refuses what it cannot answer with a clear error", async () => {
    expect((await say("nobody", "hello")).status).toBe(404);
    const empty = await say("chat-desk", "   ");
    expect(empty.status).toBe(400);
    expect(empty.body.error?.message).toMatch(/message/);
    const unknown = await say("chat-desk", "hello", "not-a-session");
    expect(unknown.status).toBe(404);
  });

  it("serves the console page and its streamed answer to a signed-in operator", async () => {
    const ui = await consoleClient(t.app, { key: t.key });
    const page = await ui.get("/console/agents/chat-desk/chat");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('id="chat-form"');
    expect(html).toContain("Hello, table bookings here.");
    expect(html).toContain("/console/assets/agent-chat.js");
    const res = await ui.get("/console/agents/chat-desk/chat", {
      method: "POST",
      headers: { ...json, accept: "text/event-stream", "x-csrf-token": ui.csrf },
      body: JSON.stringify({ message: "hello" }),
    });
    expect(res.status).toBe(200);
    const events = await sseEvents(res);
    expect(events.at(-1)).toMatchObject({
      event: "done",
      data: { reply: "Thanks for calling. How can I help you today?" },
    });
    const forged = await ui.get("/console/agents/chat-desk/chat", {
      method: "POST",
      headers: { ...json },
      body: JSON.stringify({ message: "hello" }),
    });
    expect(forged.status).toBe(403); // no CSRF token
  });
});
