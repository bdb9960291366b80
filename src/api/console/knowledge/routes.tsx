import { Hono, type Context } from "hono";
import { KnowledgeError } from "../../../knowledge/index.js";
import { ParleyError } from "../../../lib/errors.js";
import type { ApiDeps } from "../../deps.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { KnowledgeBody } from "./page.js";

type Notice = { kind: "ok" | "error"; text: string } | null;

/** /console/agents/{name}/knowledge: the agent's documents, upload and delete (the same facade as /v1). */
export function knowledgeConsoleRoutes(services: Pick<ApiDeps, "agents" | "knowledge">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const agentOf = (c: Context<ConsoleEnv>) => {
    const entry = services.agents.find(c.req.param("name") ?? "");
    if (!entry) throw new ParleyError("not_found", `no agent named '${c.req.param("name")}'`, { status: 404 });
    return entry.agent.name;
  };
  const page = async (
    c: Context<ConsoleEnv>,
    agent: string,
    notice: Notice,
    status: 200 | 400 | 413 | 415 | 422 = 200,
  ) =>
    c.html(
      await documentHtml(
        <Page
          title={`Knowledge of ${agent}`}
          section="agents"
          session={c.get("session")}
          csrf={c.get("csrf")}
          notice={notice}
        >
          <KnowledgeBody
            agent={agent}
            status={await services.knowledge.status(agent)}
            documents={await services.knowledge.listDocuments(agent)}
            csrf={c.get("csrf")}
          />
        </Page>,
      ),
      status,
    );
  const back = (agent: string, notice: string) =>
    `/console/agents/${encodeURIComponent(agent)}/knowledge?done=${encodeURIComponent(notice)}`;

  app.get("/agents/:name/knowledge", (c) => {
    const done = c.req.query("done");
    return page(c, agentOf(c), done ? { kind: "ok", text: done.slice(0, 300) } : null);
  });

  app.post("/agents/:name/knowledge", async (c) => {
    const agent = agentOf(c);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const file = form.file;
    if (!(file instanceof File) || file.size === 0)
      return page(c, agent, { kind: "error", text: "Choose a file to upload." }, 400);
    try {
      const r = await services.knowledge.addDocument(agent, {
        name: file.name,
        data: new Uint8Array(await file.arrayBuffer()),
        ...(file.type ? { contentType: file.type } : {}),
      });
      const what = { created: "indexed", replaced: `replaced (version ${r.document.version})`, unchanged: "unchanged" };
      return c.redirect(
        back(
          agent,
          `${r.document.name}: ${what[r.outcome]}, ${r.document.chunkCount} chunk${r.document.chunkCount === 1 ? "" : "s"}.`,
        ),
        303,
      );
    } catch (err) {
      if (!(err instanceof KnowledgeError) || err.status >= 500) throw err;
      return page(c, agent, { kind: "error", text: err.message }, err.status as 400 | 413 | 415 | 422);
    }
  });

  app.post("/agents/:name/knowledge/:document/delete", async (c) => {
    const agent = agentOf(c);
    const name = c.req.param("document");
    const removed = await services.knowledge.removeDocument(agent, name);
    return c.redirect(back(agent, removed ? `${name}: deleted.` : `${name} was already gone.`), 303);
  });
  return app;
}
