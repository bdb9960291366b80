import type { Context } from "hono";
import { z } from "zod";
import type { AgentRegistry } from "../../agent/registry.js";
import type { Knowledge, KnowledgeDocument } from "../../knowledge/index.js";
import { KnowledgeError } from "../../knowledge/index.js";
import { ParleyError } from "../../lib/errors.js";
import { apiRouter, described, jsonRequest, route } from "../openapi/route.js";

/** What the knowledge routes use: the agents (an upload names one) and the knowledge base. */
export interface KnowledgeApiDeps {
  agents: AgentRegistry;
  knowledge: Knowledge;
}

const tags = ["knowledge"];
const agentParams = z.object({ name: z.string().describe("the agent's name") });
const documentParams = agentParams.extend({
  document: z.string().describe("the document's name (its file name unless the upload named it)"),
});
const uploadQuery = z.object({
  name: z.string().max(200).optional().describe("the document's name, for a raw body (a multipart file has its own)"),
});
const searchBody = z
  .object({ query: z.string().min(1).max(2000), k: z.number().int().min(1).max(20).optional() })
  .strict();

const binaryDocument = (description: string) => ({
  schema: { type: "string" as const, format: "binary", description },
});
// The handler reads the document itself: the library checks nothing of the body.
const documentBody = {
  required: true,
  content: {
    "multipart/form-data": {
      schema: {
        type: "object" as const,
        properties: {
          file: { type: "string" as const, format: "binary", description: "the document" },
          name: { type: "string" as const, description: "overrides the file's name" },
        },
        required: ["file"],
      },
    },
    "text/markdown": binaryDocument("Markdown"),
    "text/plain": binaryDocument("plain text (UTF-8)"),
    "text/html": binaryDocument("HTML"),
    "application/pdf": binaryDocument("PDF with a text layer"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": binaryDocument("DOCX"),
  },
};
const uploadErrors = {
  400: "Bad document or agent name, no document in the body",
  404: "No such agent",
  413: "Over a size limit (knowledge.limits, api.maxBodyBytes)",
  415: "A format the knowledge base does not read, or bytes that contradict the declared format",
  422: "A broken (corrupt PDF or DOCX) or empty document; nothing was stored",
  503: "The embedding model failed; nothing was stored (retry)",
};

const list = route({
  method: "get",
  path: "/{name}/knowledge",
  summary: "An agent's documents, and how its knowledge base searches",
  tags,
  request: { params: agentParams },
  responses: { 200: described() },
  errors: { 404: "No such agent" },
});
const upload = route({
  method: "post",
  path: "/{name}/knowledge",
  summary: "Upload a document (the same name again replaces it)",
  description:
    "Markdown, plain text, HTML, PDF or DOCX, as multipart/form-data (field `file`) or as the raw body with its Content-Type and ?name=. 201 when new, 200 when it replaced a document of that name (outcome: replaced) or the bytes were already indexed (outcome: unchanged). A refused document stores nothing; an earlier version stays.",
  tags,
  request: { params: agentParams, query: uploadQuery, body: documentBody },
  responses: { 201: described("Indexed"), 200: described("Replaced, or unchanged") },
  errors: uploadErrors,
});
const search = route({
  method: "post",
  path: "/{name}/knowledge/search",
  summary: "Search the agent's documents as its search_knowledge tool does",
  tags,
  request: { params: agentParams, body: jsonRequest(searchBody) },
  responses: { 200: described("The hits, the mode (hybrid or bm25) and the timings") },
  errors: { 400: "Bad query", 404: "No such agent", 503: "The embedding model failed" },
});
const get = route({
  method: "get",
  path: "/{name}/knowledge/{document}",
  summary: "One document and its chunks, in order",
  tags,
  request: { params: documentParams },
  responses: { 200: described() },
  errors: { 404: "No such agent or document" },
});
const put = route({
  method: "put",
  path: "/{name}/knowledge/{document}",
  summary: "Upload or replace the document of this name",
  description: "The raw document as the body with its Content-Type, or multipart/form-data (field `file`).",
  tags,
  request: { params: documentParams, body: documentBody },
  responses: { 201: described("Indexed"), 200: described("Replaced, or unchanged") },
  errors: uploadErrors,
});
const remove = route({
  method: "delete",
  path: "/{name}/knowledge/{document}",
  summary: "Delete a document and its chunks",
  tags,
  request: { params: documentParams },
  responses: { 204: described("Deleted") },
  errors: { 404: "No such agent or document" },
});

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
 * /v1/agents/{name}/knowledge: an agent's documents (mounted beside the
 * agents' own routes). Uploading a name again replaces the document
 * atomically (a reader sees the old chunks or the new ones); a broken or
 * unsupported file is refused with a 4xx that names the problem, and nothing
 * of it is stored.
 */
export function knowledgeRoutes(services: KnowledgeApiDeps) {
  const app = apiRouter();
  const agentOf = (name: string) => services.agents.get(name).name;

  const store = async (c: Context, agent: string, upload: Upload) => {
    const r = await services.knowledge.addDocument(agent, upload, { signal: c.req.raw.signal });
    return c.json(
      { document: presentDocument(r.document), outcome: r.outcome, embedded: r.embedded },
      r.outcome === "created" ? 201 : 200,
    );
  };

  app.openapi(list, async (c) => {
    const agent = agentOf(c.req.valid("param").name);
    return c.json({
      agent,
      status: await services.knowledge.status(agent),
      items: (await services.knowledge.listDocuments(agent)).map(presentDocument),
    });
  });

  app.openapi(upload, async (c) => {
    const agent = agentOf(c.req.valid("param").name);
    return store(c, agent, await readUpload(c, c.req.valid("query").name));
  });

  app.openapi(search, async (c) => {
    const agent = agentOf(c.req.valid("param").name);
    const q = c.req.valid("json");
    const r = await services.knowledge.search(agent, q.query, {
      ...(q.k !== undefined ? { k: q.k } : {}),
      signal: c.req.raw.signal,
    });
    return c.json(r, 200);
  });

  app.openapi(get, async (c) => {
    const { name, document } = c.req.valid("param");
    const agent = agentOf(name);
    const found = await services.knowledge.getDocument(agent, document);
    if (!found) throw notFound(agent, document);
    return c.json(
      {
        ...presentDocument(found.document),
        items: found.chunks.map((k) => ({ id: k.id, position: k.position, heading: k.heading, text: k.text })),
      },
      200,
    );
  });

  app.openapi(put, async (c) => {
    const { name, document } = c.req.valid("param");
    const agent = agentOf(name);
    return store(c, agent, { ...(await readUpload(c, document)), name: document });
  });

  app.openapi(remove, async (c) => {
    const { name, document } = c.req.valid("param");
    const agent = agentOf(name);
    if (!(await services.knowledge.removeDocument(agent, document))) throw notFound(agent, document);
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
