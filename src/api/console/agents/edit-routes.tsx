import { Hono, type Context } from "hono";
import { isNode, parseDocument, type Document } from "yaml";
import { definitionYaml } from "../../../agent/versions-view.js";
import { diffText } from "../../../lib/line-diff.js";
import { ParleyError } from "../../../lib/errors.js";
import type { ApiDeps } from "../../deps.js";
import { formField } from "../auth/guard.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { EditForm, FileAgentNotice, VersionHistory, VersionView, type FieldIssue } from "./edit-page.js";

const MAX_TEXT = 200_000;

/** Who made a change in the console, as the version history records it. */
function actor(c: Context<ConsoleEnv>): string {
  const s = c.get("session");
  return s.kind === "operator" ? `operator ${s.subject}` : `key ${s.subject}`;
}

/**
 * Editing an agent made through the API: its YAML, saved through the registry's validation (the API's), the
 * errors next to the editor with the operator's text kept, and the version history (view, diff, restore).
 * File agents are shown with a notice instead: Parley does not write the operator's files.
 */
export function agentEditRoutes(services: Pick<ApiDeps, "agents">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  const render = async (
    c: Context<ConsoleEnv>,
    name: string,
    text: string,
    error: { message: string; issues: FieldIssue[] } | null,
    status: 200 | 409 | 422 = 200,
  ) => {
    const entry = services.agents.find(name);
    if (!entry) throw new ParleyError("not_found", `no agent named '${name}'`, { status: 404 });
    const file = entry.source === "file";
    const saved = c.req.query("saved");
    const notice = saved ? { kind: "ok" as const, text: `Saved as version ${saved}.` } : null;
    const versions = file ? [] : await services.agents.versions(name);
    const body = (
      <>
        <p>
          <a href="/console/agents">All agents</a> · <a href={`/console/agents/${encodeURIComponent(name)}`}>View</a> ·{" "}
          <a href={`/console/agents/${encodeURIComponent(name)}/chat`}>Try it in the chat playground</a>
        </p>
        {file ? (
          <>
            <FileAgentNotice name={name} />
            <pre class="definition">{definitionYaml(entry.agent)}</pre>
          </>
        ) : (
          <>
            <EditForm name={name} csrf={c.get("csrf")} text={text} error={error} />
            <VersionHistory name={name} csrf={c.get("csrf")} versions={versions} />
          </>
        )}
      </>
    );
    return c.html(
      await documentHtml(
        <Page
          title={`Edit agent ${name}`}
          section="agents"
          session={c.get("session")}
          csrf={c.get("csrf")}
          notice={notice}
        >
          {body}
        </Page>,
      ),
      status,
    );
  };

  app.get("/agents/:name/edit", (c) => {
    const entry = services.agents.find(c.req.param("name"));
    return render(c, c.req.param("name"), entry ? definitionYaml(entry.agent) : "", null);
  });

  app.post("/agents/:name/edit", async (c) => {
    const name = c.req.param("name");
    const text = ((await formField(c, "definition")) ?? "").slice(0, MAX_TEXT);
    const doc = parseDocument(text);
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const line = e.linePos?.[0]?.line ?? null;
      const message = `Invalid YAML${line !== null ? ` at line ${line}` : ""}: ${e.message.split("\n")[0] ?? ""}`;
      return render(c, name, text, { message, issues: [] }, 422);
    }
    const value = doc.toJS() as unknown;
    if (value === null || typeof value !== "object" || Array.isArray(value))
      return render(c, name, text, { message: "The definition must be a YAML mapping (name: ..., systemPrompt: ...).", issues: [] }, 422);
    const given = (value as { name?: unknown }).name;
    if (given !== undefined && given !== name) {
      const issue = { path: "name", message: `must stay '${name}' here (a new name is a new agent)`, line: lineOf(doc, text, "name") };
      return render(c, name, text, { message: issue.message, issues: [issue] }, 422);
    }
    try {
      await services.agents.save({ ...value, name }, { by: actor(c) });
    } catch (err) {
      if (err instanceof ParleyError && err.code === "agent_invalid") {
        const raw = (err.details?.issues ?? []) as { path: string; message: string }[];
        const issues = raw.map((i) => ({ ...i, line: lineOf(doc, text, i.path) }));
        return render(c, name, text, { message: err.message, issues }, 422);
      }
      if (err instanceof ParleyError && err.code === "agent_read_only")
        return render(c, name, text, { message: err.message, issues: [] }, 409);
      throw err;
    }
    const version = (await services.agents.versions(name))[0]?.version ?? 0;
    return c.redirect(`/console/agents/${encodeURIComponent(name)}/edit?saved=${version}`, 303);
  });

  app.get("/agents/:name/versions/:version", async (c) => {
    const name = c.req.param("name");
    const number = versionParam(c.req.param("version"));
    const versions = await services.agents.versions(name);
    const v = await services.agents.version(name, number);
    const yaml = definitionYaml(v.definition);
    const { definition: _d, ...summary } = v;
    const body = (
      <VersionView
        name={name}
        csrf={c.get("csrf")}
        version={summary}
        current={versions[0]?.version === number}
        yaml={yaml}
        diff={diffText(yaml, definitionYaml(services.agents.get(name)))}
      />
    );
    return c.html(
      await documentHtml(
        <Page title={`Agent ${name}, v${number}`} section="agents" session={c.get("session")} csrf={c.get("csrf")}>
          {body}
        </Page>,
      ),
    );
  });

  app.post("/agents/:name/versions/:version/restore", async (c) => {
    const name = c.req.param("name");
    try {
      await services.agents.restore(name, versionParam(c.req.param("version")), actor(c));
    } catch (err) {
      // An old definition the schema no longer accepts: shown in the editor with its errors, nothing saved.
      if (err instanceof ParleyError && err.code === "agent_invalid") {
        const text = definitionYaml((await services.agents.version(name, versionParam(c.req.param("version")))).definition);
        const raw = (err.details?.issues ?? []) as { path: string; message: string }[];
        return render(c, name, text, { message: err.message, issues: raw.map((i) => ({ ...i, line: null })) }, 422);
      }
      throw err;
    }
    const version = (await services.agents.versions(name))[0]?.version ?? 0;
    return c.redirect(`/console/agents/${encodeURIComponent(name)}/edit?saved=${version}`, 303);
  });
  return app;
}

function versionParam(raw: string): number {
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
  if (n < 1) throw new ParleyError("not_found", `no version '${raw}'`, { status: 404 });
  return n;
}

/**
 * The line of the operator's YAML a zod path points at: the deepest node of the path that the text has (a missing
 * field points at the mapping it belongs in). Null when the text has none of it.
 */
function lineOf(doc: Document, text: string, path: string): number | null {
  const keys = path === "" ? [] : path.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    if (isNode(node) && node.range) return text.slice(0, node.range[0]).split("\n").length;
  }
  return null;
}
