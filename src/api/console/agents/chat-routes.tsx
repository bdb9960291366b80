import { Hono } from "hono";
import { ParleyError } from "../../../lib/errors.js";
import type { ApiDeps } from "../../deps.js";
import { chatAnswer, chatBody } from "../../routes/agent-chat.js";
import { parseWith } from "../../validate.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { ChatPlayground } from "./chat-page.js";

/** The chat playground page and the two calls its script makes (the same answer as POST /v1/agents/{name}/chat). */
export function agentChatConsoleRoutes(services: Pick<ApiDeps, "agents" | "playground" | "logger">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  app.get("/agents/:name/chat", async (c) => {
    const entry = services.agents.find(c.req.param("name"));
    if (!entry) throw new ParleyError("not_found", `no agent named '${c.req.param("name")}'`, { status: 404 });
    const href = `/console/agents/${encodeURIComponent(entry.agent.name)}`;
    return c.html(
      await documentHtml(
        <Page
          title={`Chat with ${entry.agent.name}`}
          section="agents"
          session={c.get("session")}
          csrf={c.get("csrf")}
          scripts={["agent-chat.js"]}
        >
          <p>
            <a href="/console/agents">All agents</a> · <a href={href}>View</a> ·{" "}
            <a href={`${href}/edit`}>{entry.source === "file" ? "Definition" : "Edit"}</a>
          </p>
          <ChatPlayground agent={entry.agent} />
        </Page>,
      ),
    );
  });

  app.post("/agents/:name/chat", async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      throw new ParleyError("invalid_json", "the body must be JSON: {message, sessionId?}", { status: 400 });
    }
    return chatAnswer(c, services, c.req.param("name"), parseWith(chatBody, raw, "body"));
  });

  app.delete("/agents/:name/chat/:sessionId", (c) => {
    const gone = services.playground.reset(c.req.param("name"), c.req.param("sessionId"));
    return gone ? c.body(null, 204) : c.json({ error: { code: "not_found", message: "no such session" } }, 404);
  });
  return app;
}
