import type { Context } from "hono";
import { z } from "zod";
import { concatInt16, encodeWav } from "../../audio/index.js";
import { ParleyError } from "../../lib/errors.js";
import { menuSchema, type Menu } from "../../notify/menu.js";
import { renderMessage } from "../../notify/render.js";
import { compileTemplate, variablesSchema } from "../../notify/templates.js";
import { CACHE_RATE } from "../../engines/tts/cache/index.js";
import type { ApiDeps } from "../deps.js";
import { apiRouter, binary, described, idParams, jsonRequest, route } from "../openapi/route.js";
import { idPageQuery } from "../pagination.js";
import { idParam } from "../validate.js";
import { presentTemplate } from "./notify-present.js";
import { isDuplicateTemplateName } from "../../store/repos/templates-repo.js";

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

const notFound = { 404: "No such template" };
const create = route({
  method: "post",
  path: "/",
  summary: "Create a message template",
  tags,
  request: { body: jsonRequest(createBody) },
  responses: { 201: described("Created") },
  errors: { 400: "Invalid template", 409: "The name is taken", 415: "Not JSON" },
});
const list = route({
  method: "get",
  path: "/",
  summary: "Templates, newest first",
  tags,
  request: { query: z.object(idPageQuery) },
  responses: { 200: described() },
  errors: { 400: "Bad cursor or limit" },
});
const get = route({
  method: "get",
  path: "/{id}",
  summary: "A template",
  tags,
  request: { params: idParams },
  responses: { 200: described() },
  errors: notFound,
});
const update = route({
  method: "patch",
  path: "/{id}",
  summary: "Change a template",
  description:
    "Notifications and campaigns created afterwards use the new text; those already created keep the text they were validated with. Changed text renders anew (a new cache key); unchanged pieces stay cached.",
  tags,
  request: { params: idParams, body: jsonRequest(patchBody) },
  responses: { 200: described() },
  errors: { 400: "Invalid template", ...notFound, 409: "The name is taken", 415: "Not JSON" },
});
const remove = route({
  method: "delete",
  path: "/{id}",
  summary: "Delete a template (notifications and campaigns made from it keep their text)",
  tags,
  request: { params: idParams },
  responses: { 204: described("Deleted") },
  errors: notFound,
});
const preview = route({
  method: "post",
  path: "/{id}/preview",
  summary: "The message as the recipient would hear it (8 kHz WAV), rendered through the TTS cache",
  tags,
  request: { params: idParams, body: jsonRequest(previewBody) },
  responses: { 200: binary("audio/wav") },
  errors: {
    400: "Missing variables",
    ...notFound,
    415: "Not JSON",
    422: "Unknown agent",
    503: "TTS not loaded",
  },
});

/** A template's message as the recipient would hear it: an 8 kHz WAV rendered piece by piece through the TTS cache. */
export async function templateWav(
  services: Pick<ApiDeps, "config" | "notify">,
  text: string,
  o: { variables: Record<string, unknown>; agent?: string | undefined; disclosure?: string | undefined; menu?: Menu },
  signal: AbortSignal,
): Promise<{ wav: Uint8Array<ArrayBuffer>; hits: number; misses: number }> {
  const voice = services.notify.voiceOf(services.notify.agentName(o.agent));
  const r = await renderMessage(
    services.notify.ttsCache,
    { text, variables: o.variables, disclosure: o.disclosure ?? null, menu: o.menu ?? null, voice },
    services.config.notify.sentencePauseMs,
    signal,
  );
  const pcm = concatInt16([...r.parts, ...(r.menuPrompt ? [r.menuPrompt] : [])]);
  return {
    wav: new Uint8Array(encodeWav({ channels: [pcm], sampleRate: CACHE_RATE })),
    hits: r.hits,
    misses: r.misses,
  };
}

/** /v1/templates: message templates for notifications and campaigns, and a preview of one as audio. */
export function templateRoutes(services: Pick<ApiDeps, "clock" | "config" | "notify">) {
  const app = apiRouter();
  const repo = () => services.notify.context().templates;
  const find = async (c: Context) => {
    const t = await repo().get(idParam(c));
    if (!t) throw new ParleyError("not_found", `no template ${c.req.param("id")}`, { status: 404 });
    return t;
  };
  const unique = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (isDuplicateTemplateName(err))
        throw new ParleyError("template_name_taken", "a template with that name already exists", { status: 409 });
      throw err;
    }
  };

  app.openapi(create, async (c) => {
    const b = c.req.valid("json");
    const { variables } = compileTemplate(b.text);
    return c.json(presentTemplate(await unique(() => repo().insert({ ...b, variables }, services.clock.now()))), 201);
  });

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const rows = await repo().list({ before: q.cursor, limit: q.limit + 1 });
    const page = rows.slice(0, q.limit);
    return c.json({
      items: page.map(presentTemplate),
      nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null,
    });
  });

  app.openapi(get, async (c) => c.json(presentTemplate(await find(c))));

  app.openapi(update, async (c) => {
    const t = await find(c);
    const b = c.req.valid("json");
    const text = b.text ?? t.text;
    const { variables } = compileTemplate(text);
    const saved = await unique(() =>
      repo().update(
        { id: t.id, name: b.name ?? t.name, text, variables, description: b.description ?? t.description },
        services.clock.now(),
      ),
    );
    if (!saved) throw new ParleyError("not_found", `no template ${t.id}`, { status: 404 });
    return c.json(presentTemplate(saved));
  });

  app.openapi(remove, async (c) => {
    await repo().remove((await find(c)).id);
    return c.body(null, 204);
  });

  app.openapi(preview, async (c) => {
    const t = await find(c);
    const b = c.req.valid("json");
    const r = await templateWav(services, t.text, b, c.req.raw.signal);
    return c.body(r.wav, 200, {
      "content-type": "audio/wav",
      "x-cache-hits": String(r.hits),
      "x-cache-misses": String(r.misses),
    });
  });
  return app;
}
