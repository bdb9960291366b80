import { Hono, type Context } from "hono";
import { z } from "zod";
import { concatInt16, encodeWav } from "../../audio/index.js";
import { ParleyError } from "../../lib/errors.js";
import { notifyContext, voiceOf } from "../../notify/context.js";
import { menuSchema } from "../../notify/menu.js";
import { agentName } from "../../notify/notifications.js";
import { renderMessage } from "../../notify/render.js";
import { compileTemplate, variablesSchema } from "../../notify/templates.js";
import { CACHE_RATE } from "../../notify/tts-cache.js";
import type { ApiDeps } from "../deps.js";
import type { OpenApiRegistry } from "../openapi/registry.js";
import { idPageQuery } from "../pagination.js";
import { idParam, jsonBody, parseWith } from "../validate.js";
import { presentTemplate } from "./notify-present.js";

const tags = ["notifications"];
const name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "lowercase letters, digits, '-' and '_' (at most 63)");
const createBody = z
  .object({
    name,
    text: z.string().min(1).max(2000).describe("the message with {variables}; {{ and }} are literal braces"),
    description: z.string().max(500).default(""),
  })
  .strict();
const patchBody = z
  .object({
    name: name.optional(),
    text: z.string().min(1).max(2000).optional(),
    description: z.string().max(500).optional(),
  })
  .strict();
const previewBody = z
  .object({
    variables: variablesSchema.default({}),
    agent: z.string().min(1).max(63).optional(),
    disclosure: z.string().min(1).max(500).optional(),
    menu: menuSchema.optional(),
  })
  .strict();

/** /v1/templates: message templates for notifications and campaigns, and a preview of one as audio. */
export function templateRoutes(services: ApiDeps, openapi: OpenApiRegistry): Hono {
  const app = new Hono();
  const repo = () => notifyContext(services).templates;
  const find = (c: Context) => {
    const t = repo().get(idParam(c));
    if (!t) throw new ParleyError("not_found", `no template ${c.req.param("id")}`, { status: 404 });
    return t;
  };
  const unique = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE")
        throw new ParleyError("template_name_taken", "a template with that name already exists", { status: 409 });
      throw err;
    }
  };

  openapi.add("post", "/v1/templates", {
    summary: "Create a message template",
    tags,
    body: createBody,
    status: 201,
    responses: { 201: "Created", 400: "Invalid template", 409: "The name is taken", 415: "Not JSON" },
  });
  app.post("/", async (c) => {
    const b = parseWith(createBody, await jsonBody(c), "body");
    const { variables } = compileTemplate(b.text);
    return c.json(presentTemplate(unique(() => repo().insert({ ...b, variables }, services.clock.now()))), 201);
  });

  openapi.add("get", "/v1/templates", { summary: "Templates, newest first", tags, query: z.object(idPageQuery) });
  app.get("/", (c) => {
    const q = parseWith(z.object(idPageQuery), c.req.query(), "query");
    const rows = repo().list({ before: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(presentTemplate),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    });
  });

  openapi.add("get", "/v1/templates/{id}", { summary: "A template", tags, responses: { 404: "No such template" } });
  app.get("/:id", (c) => c.json(presentTemplate(find(c))));

  openapi.add("patch", "/v1/templates/{id}", {
    summary: "Change a template",
    description:
      "Notifications and campaigns created afterwards use the new text; those already created keep the text they were validated with. Changed text renders anew (a new cache key); unchanged pieces stay cached.",
    tags,
    body: patchBody,
    responses: { 400: "Invalid template", 404: "No such template", 409: "The name is taken" },
  });
  app.patch("/:id", async (c) => {
    const t = find(c);
    const b = parseWith(patchBody, await jsonBody(c), "body");
    const text = b.text ?? t.text;
    const { variables } = compileTemplate(text);
    return c.json(
      presentTemplate(
        unique(() =>
          repo().update(
            { id: t.id, name: b.name ?? t.name, text, variables, description: b.description ?? t.description },
            services.clock.now(),
          ),
        ),
      ),
    );
  });

  openapi.add("delete", "/v1/templates/{id}", {
    summary: "Delete a template (notifications and campaigns made from it keep their text)",
    tags,
    status: 204,
    responses: { 404: "No such template" },
  });
  app.delete("/:id", (c) => {
    repo().remove(find(c).id);
    return c.body(null, 204);
  });

  openapi.add("post", "/v1/templates/{id}/preview", {
    summary: "The message as the recipient would hear it (8 kHz WAV), rendered through the TTS cache",
    tags,
    body: previewBody,
    responseMediaType: "audio/wav",
    responses: { 400: "Missing variables", 404: "No such template", 422: "Unknown agent", 503: "TTS not loaded" },
  });
  app.post("/:id/preview", async (c) => {
    const t = find(c);
    const b = parseWith(previewBody, await jsonBody(c), "body");
    const voice = voiceOf(services, agentName(services, b.agent));
    const r = await renderMessage(
      services.ttsCache,
      { text: t.text, variables: b.variables, disclosure: b.disclosure ?? null, menu: b.menu ?? null, voice },
      services.config.notify.sentencePauseMs,
      c.req.raw.signal,
    );
    const pcm = concatInt16([...r.parts, ...(r.menuPrompt ? [r.menuPrompt] : [])]);
    return c.body(new Uint8Array(encodeWav({ channels: [pcm], sampleRate: CACHE_RATE })), 200, {
      "content-type": "audio/wav",
      "x-cache-hits": String(r.hits),
      "x-cache-misses": String(r.misses),
    });
  });
  return app;
}
