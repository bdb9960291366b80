import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import type { ChatEvent, Playground } from "../../agent/playground/playground.js";
import { Channel } from "../../lib/channel.js";
import { describeError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { ApiDeps } from "../deps.js";
import { apiRouter, described, jsonRequest, route } from "../openapi/route.js";

const tags = ["agents"];
export const chatBody = z
  .object({
    message: z.string().trim().min(1).max(4000).describe("what the caller says"),
    sessionId: z
      .string()
      .max(64)
      .nullish()
      .describe("the session to continue (from the first answer's sessionId); absent: a new session"),
  })
  .strict();

const chat = route({
  method: "post",
  path: "/{name}/chat",
  summary: "Chat with an agent as a caller would (the playground)",
  description:
    "The agent answers with the same LLM, system prompt and tools as on a call: HTTP tools and search_knowledge really run; hang-up, transfer, take_message and schedule_callback are reported as `actions` (what they would do) and not performed. The first message starts a session (its `sessionId` and the agent's greeting come back); send the sessionId with the next ones to go on. With `Accept: text/event-stream` the answer is streamed as Server-Sent Events (`session`, `text` per sentence, `tool_call`, `tool_result`, `action`, then `done` with the whole reply, or `error`); otherwise one JSON reply. Sessions live in memory (an hour idle, 100 at most).",
  tags,
  request: { params: z.object({ name: z.string() }), body: jsonRequest(chatBody) },
  responses: { 200: described("The reply (JSON), or its event stream") },
  errors: {
    400: "Bad body",
    404: "No such agent, or the session is unknown (reset, expired or the server restarted)",
    409: "The session is still answering",
    503: "The models are still loading",
  },
});
const reset = route({
  method: "delete",
  path: "/{name}/chat/{sessionId}",
  summary: "Reset a playground session (forget its history)",
  tags,
  request: { params: z.object({ name: z.string(), sessionId: z.string() }) },
  responses: { 204: described("Forgotten") },
  errors: { 404: "No such session" },
});

/** /v1/agents/{name}/chat: the chat playground for scripts (the console's page uses the same answer). */
export function agentChatRoutes(services: Pick<ApiDeps, "playground" | "logger">) {
  const app = apiRouter();
  app.openapi(chat, (c) => chatAnswer(c, services, c.req.param("name"), c.req.valid("json")));
  app.openapi(reset, (c) => {
    if (!services.playground.reset(c.req.param("name"), c.req.param("sessionId")))
      return c.json(
        { error: { code: "not_found", message: `no playground session '${c.req.param("sessionId")}'` } },
        404,
      );
    return c.body(null, 204);
  });
  return app;
}

/**
 * Runs one chat turn and answers it: as Server-Sent Events when the client accepts them, else as one JSON reply.
 * A request the playground refuses (unknown agent or session, models loading) fails before the stream opens, so it
 * gets its HTTP status; a failure after that is an `error` event.
 */
export async function chatAnswer(
  c: Context,
  services: { playground: Playground; logger: Logger },
  name: string,
  body: z.infer<typeof chatBody>,
): Promise<Response> {
  const controller = new AbortController();
  const events = new Channel<ChatEvent>();
  void services.playground
    .send(name, body.message, {
      sessionId: body.sessionId ?? null,
      signal: controller.signal,
      onEvent: (e) => events.push(e),
    })
    .then(
      () => events.close(),
      (err: unknown) => events.fail(err),
    );
  const first = await events.next(); // the session event, or the refusal
  if (!(c.req.header("accept") ?? "").includes("text/event-stream")) {
    let last: ChatEvent | undefined = first;
    for await (const e of events) last = e;
    return c.json(last?.type === "done" ? last.reply : { error: { code: "internal", message: "no reply" } });
  }
  c.header("X-Accel-Buffering", "no");
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => controller.abort());
    const write = (e: ChatEvent) => {
      const { type, ...data } = e;
      return stream.writeSSE({ event: type, data: JSON.stringify(type === "done" ? e.reply : data) });
    };
    try {
      if (first) await write(first);
      for await (const e of events) await write(e);
    } catch (err) {
      services.logger.warn({ err: describeError(err), agent: name }, "playground turn failed");
      await stream.writeSSE({ event: "error", data: JSON.stringify({ message: describeError(err) }) });
    }
  });
}
