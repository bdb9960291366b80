import { Hono, type Context } from "hono";
import { parseDocument, stringify } from "yaml";
import { parseAgent } from "../../../agent/load.js";
import { redactAgent } from "../../../agent/redact.js";
import { ParleyError } from "../../../lib/errors.js";
import type { ApiDeps } from "../../deps.js";
import { formField } from "../auth/guard.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { agentChatConsoleRoutes } from "./chat-routes.js";
import { agentEditRoutes } from "./edit-routes.js";
import { AgentList, ValidateForm, type ValidationResult } from "./page.js";

const MAX_TEXT = 200_000;

/** Agents: the list, one definition, and validation of a pasted one. */
export function agentRoutes(services: Pick<ApiDeps, "agents" | "knowledge" | "playground" | "logger">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  app.route("/", agentEditRoutes(services));
  app.route("/", agentChatConsoleRoutes(services));

  const page = async (
    c: Context<ConsoleEnv>,
    text: string,
    result: ValidationResult | null,
    status: 200 | 422 = 200,
  ) => {
    const body = (
      <>
        <AgentList agents={services.agents.list()} />
        <ValidateForm csrf={c.get("csrf")} text={text} result={result} />
      </>
    );
    return c.html(
      await documentHtml(
        <Page title="Agents" section="agents" session={c.get("session")} csrf={c.get("csrf")}>
          {body}
        </Page>,
      ),
      status,
    );
  };

  app.get("/agents", (c) => page(c, "", null));

  app.post("/agents/validate", async (c) => {
    const text = ((await formField(c, "definition")) ?? "").slice(0, MAX_TEXT);
    const result = validate(text);
    return page(c, text, result, result.valid ? 200 : 422);
  });

  app.get("/agents/:name", async (c) => {
    const entry = services.agents.find(c.req.param("name"));
    if (!entry) throw new ParleyError("not_found", `no agent named '${c.req.param("name")}'`, { status: 404 });
    const documents = (await services.knowledge.listDocuments(entry.agent.name)).length;
    const body = (
      <>
        <p>
          <a href="/console/agents">All agents</a> · defined{" "}
          {entry.source === "file" ? "in a YAML file (read-only here)" : "through the API"} ·{" "}
          <a href={`/console/agents/${encodeURIComponent(entry.agent.name)}/edit`}>
            {entry.source === "file" ? "Definition" : "Edit and history"}
          </a>{" "}
          · <a href={`/console/agents/${encodeURIComponent(entry.agent.name)}/chat`}>Chat playground</a> ·{" "}
          <a href={`/console/agents/${encodeURIComponent(entry.agent.name)}/knowledge`}>
            {`Knowledge base (${documents} documents)`}
          </a>
        </p>
        <pre class="definition">{stringify(redact(entry.agent))}</pre>
      </>
    );
    return c.html(
      await documentHtml(
        <Page title={`Agent ${entry.agent.name}`} section="agents" session={c.get("session")} csrf={c.get("csrf")}>
          {body}
        </Page>,
      ),
    );
  });
  return app;
}

/** YAML (JSON is YAML too) through the same schema as files and /v1/agents/validate. */
export function validate(text: string): ValidationResult {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    return { valid: false, message: `Invalid YAML: ${doc.errors[0]?.message.split("\n")[0] ?? ""}`, issues: [] };
  try {
    const agent = parseAgent(doc.toJS(), "definition");
    return { valid: true, name: agent.name, normalized: stringify(redact(agent)) };
  } catch (err) {
    if (err instanceof ParleyError && err.code === "agent_invalid") {
      const issues = (err.details?.issues ?? []) as { path: string; message: string }[];
      return { valid: false, message: err.message, issues };
    }
    throw err;
  }
}

/** HTTP tools' auth header values are credentials: the console shows that one is set, not what it is (as the API does). */
const redact = redactAgent;
