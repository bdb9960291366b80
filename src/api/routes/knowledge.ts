import { Hono, type Context } from "hono";
import { z } from "zod";
import type { Knowledge, KnowledgeDocument } from "../../knowledge/index.js";
import { KnowledgeError } from "../../knowledge/index.js";
import type { AgentRegistry } from "../../agent/registry.js";
import { ParleyError } from "../../lib/errors.js";
import type { OpenApiRegistry } from "../openapi/registry.js";
import { jsonBody, parseWith } from "../validate.js";

/** What the knowledge routes use: the agents (an upload names one) and the knowledge base. */
export interface KnowledgeApiDeps {
  agents: AgentRegistry;
  knowledge: Knowledge;
}

const TAGS = ["knowledge"];
const BASE = "/v1/agents/{name}/knowledge";
const DOCUMENT_TYPES = {
  "multipart/form-data": { description: "the document in the `file` field; `name` (optional) overrides its file name" },
  "text/markdown": { description: "the document itself, named by ?name=" },
  "text/plain": { description: "the document itself, named by ?name=" },
  "text/html": { description: "the document itself, named by ?name=" },
  "application/pdf": { description: "the document itself, named by ?name=" },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
    description: "the document itself (DOCX), named by ?name=",
  },
};
const UPLOAD_RESPONSES = {
  400: "Bad document or agent name, unreadable multipart body",
  404: "No such agent",
  413: "Over a size limit (knowledge.limits, api.maxBodyBytes)",
  415: "A format the knowledge base does not read, or bytes that contradict the declared format",
  422: "Broken (a corrupt PDF or DOCX) or empty document; nothing was stored",
  503: "The embedding model failed; nothing was stored (retry)",
};
const searchBody = z
  .object({ query: z.string().min(1).max(2000), k: z.number().int().min(1).max(20).optional() })
  .strict();

export function presentDocument(d: KnowledgeDocument) {
  return {
    name: d.name,
    format: d.format,
    version: d.version,
    bytes: d.bytes,
    chars: d.chars,
    chunks: d.chunkCount,
    sha256: d.sha256,
    createdAt: new Date(d.createdAt).toISOString(),
    updatedAt: new Date(d.updatedAt).toISOString(),
  };
}

/**
 * /v1/agents/{name}/knowledge: an agent's documents. Uploading a name again
 * replaces the document atomically (a reader sees the old chunks or the new
 * ones); a broken or unsupported file is refused with a 4xx that names the
 * problem, and nothing of it is stored.
 */
export function knowledgeRoutes(services: KnowledgeApiDeps, openapi: OpenApiRegistry): Hono {
  const app = new Hono();
  const agentOf = (c: Context) => services.agents.get(c.req.param("name") ?? "").name;
  const documentOf = (c: Context) => c.req.param("document") ?? "";

  const store = async (c: Context, agent: string, upload: Upload) => {
    const r = await services.knowledge.addDocument(agent, upload, { signal: c.req.raw.signal });
    return c.json(
      { document: presentDocument(r.document), outcome: r.outcome, embedded: r.embedded },
      r.outcome === "created" ? 201 : 200,
    );
  };

  openapi.add("get", BASE, { summary: "An agent's documents, and how its knowledge base searches", tags: TAGS });
  app.get("/", (c) => {
    const agent = agentOf(c);
    return c.json({
      agent,
      status: services.knowledge.status(agent),
      items: services.knowledge.listDocuments(agent).map(presentDocument),
    });
  });

  openapi.add("post", BASE, {
    summary: "Upload a document (the same name again replaces it)",
    description:
      "Markdown, plain text, HTML, PDF or DOCX, as multipart/form-data (field `file`) or as the raw body with its Content-Type and ?name=. 201 when new, 200 when it replaced a document of that name (outcome: replaced) or the bytes were already indexed (outcome: unchanged).",
    tags: TAGS,
    query: z.object({ name: z.string().optional() }),
    bodyMediaTypes: DOCUMENT_TYPES,
    responses: { 201: "Indexed", ...UPLOAD_RESPONSES },
  });
  app.post("/", async (c) => {
    const agent = agentOf(c);
    return store(c, agent, await readUpload(c, c.req.query("name")));
  });

  openapi.add("post", `${BASE}/search`, {
    summary: "Search the agent's documents as its search_knowledge tool does",
    tags: TAGS,
    body: searchBody,
    responses: { 404: "No such agent" },
  });
  app.post("/search", async (c) => {
    const agent = agentOf(c);
    const q = parseWith(searchBody, await jsonBody(c), "body");
    const r = await services.knowledge.search(agent, q.query, {
      ...(q.k !== undefined ? { k: q.k } : {}),
      signal: c.req.raw.signal,
    });
    return c.json(r);
  });

  openapi.add("get", `${BASE}/{document}`, {
    summary: "One document and its chunks, in order",
    tags: TAGS,
    responses: { 404: "No such agent or document" },
  });
  app.get("/:document", (c) => {
    const agent = agentOf(c);
    const found = services.knowledge.getDocument(agent, documentOf(c));
    if (!found) throw notFound(agent, documentOf(c));
    return c.json({
      ...presentDocument(found.document),
      items: found.chunks.map((k) => ({ id: k.id, position: k.position, heading: k.heading, text: k.text })),
    });
  });

  openapi.add("put", `${BASE}/{document}`, {
    summary: "Upload or replace the document of this name",
    description: "The raw document as the body with its Content-Type (or multipart/form-data, field `file`).",
    tags: TAGS,
    bodyMediaTypes: DOCUMENT_TYPES,
    responses: { 201: "Indexed", ...UPLOAD_RESPONSES },
  });
  app.put("/:document", async (c) => {
    const agent = agentOf(c);
    return store(c, agent, { ...(await readUpload(c, documentOf(c))), name: documentOf(c) });
  });

  openapi.add("delete", `${BASE}/{document}`, {
    summary: "Delete a document and its chunks",
    tags: TAGS,
    status: 204,
    responses: { 404: "No such agent or document" },
  });
  app.delete("/:document", (c) => {
    const agent = agentOf(c);
    if (!services.knowledge.removeDocument(agent, documentOf(c))) throw notFound(agent, documentOf(c));
    return c.body(null, 204);
  });
  return app;
}

interface Upload {
  name: string;
  data: Uint8Array;
  contentType?: string;
}

/** The document of a request: a multipart `file`, or the raw body with its Content-Type. */
async function readUpload(c: Context, name: string | undefined): Promise<Upload> {
  const type = c.req.header("content-type") ?? "";
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    const form = await c.req.parseBody().catch((err: unknown) => {
      throw new ParleyError(
        "invalid_request",
        `the multipart body cannot be read: ${err instanceof Error ? err.message : String(err)}`,
        { status: 400 },
      );
    });
    const file = form.file ?? form.document;
    if (!(file instanceof File))
      throw new ParleyError("document_missing", "the multipart body has no file in the 'file' field", { status: 400 });
    const override = typeof form.name === "string" && form.name ? form.name : undefined;
    return {
      name: name ?? override ?? file.name,
      data: new Uint8Array(await file.arrayBuffer()),
      ...(file.type ? { contentType: file.type } : {}),
    };
  }
  if (!name)
    throw new ParleyError(
      "invalid_request",
      "name the document: ?name=faq.md with a raw body, or send multipart/form-data with a file",
      { status: 400 },
    );
  const data = new Uint8Array(await c.req.arrayBuffer());
  return { name, data, ...(type ? { contentType: type } : {}) };
}

function notFound(agent: string, name: string): KnowledgeError {
  return new KnowledgeError("knowledge_document_not_found", `agent '${agent}' has no document named '${name}'`);
}
