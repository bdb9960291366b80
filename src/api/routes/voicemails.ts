import type { Context } from "hono";
import { z } from "zod";
import { ParleyError } from "../../lib/errors.js";
import { isDiskFull } from "../../store/errors.js";
import type { ApiDeps } from "../deps.js";
import { VoicemailsRepo, voicemailSources, voicemailStatuses } from "../../store/repos/voicemails-repo.js";
import { apiRouter, binary, described, documented, idParams, jsonRequest, route } from "../openapi/route.js";
import { idParam, parseWith, rejectInvalid } from "../validate.js";
import { sendFile } from "./range.js";
import { checkFileSize } from "../../store/files/index.js";
import { decodeCursor, encodeCursor, presentVoicemail } from "./voicemail-present.js";

// ISO 8601 with a zone, or epoch digits: milliseconds, or seconds when the number is too small to be a plausible ms time (before 1973).
const time = z
  .union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{9,13}$/, "an ISO 8601 time or epoch milliseconds")])
  .transform((s) => (/^\d+$/.test(s) ? (Number(s) < 1e11 ? Number(s) * 1000 : Number(s)) : Date.parse(s)));
const meta = z.object({
  caller: z.string().max(128).optional(),
  mailbox: z.string().max(128).optional(),
  received_at: time.optional(),
  agent: z.string().max(63).optional(),
});
const listQuery = z.object({
  status: z
    .string()
    .optional()
    .transform((s, ctx) => {
      const list = s?.split(",").filter(Boolean);
      const bad = list?.filter((x) => !(voicemailStatuses as readonly string[]).includes(x));
      if (bad?.length)
        ctx.addIssue({
          code: "custom",
          message: `unknown status ${bad.join(", ")}; one of ${voicemailStatuses.join(", ")}`,
        });
      return list as (typeof voicemailStatuses)[number][] | undefined;
    }),
  urgency: z.coerce.number().int().min(1).max(5).optional(),
  tag: z.string().max(64).optional(),
  mailbox: z.string().max(128).optional(),
  agent: z.string().max(63).optional(),
  kind: z.enum(["voicemail", "form"]).optional(),
  source: z.enum(voicemailSources).optional(),
  from: time.optional(),
  to: time.optional(),
  sort: z.enum(["newest", "urgency"]).default("newest"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
const patchBody = z.object({ status: z.enum(["handled", "archived", "escalated", "processed"]) }).strict();

const AUDIO_TYPES = /^(audio\/|application\/octet-stream)/i;
const tags = ["voicemails"];
const notFound = { 404: "No such voicemail" };

const upload = route({
  method: "post",
  path: "/",
  summary: "Upload a voicemail or voice-form message",
  description:
    "multipart/form-data with the recording in `audio` (and caller, mailbox, received_at, agent fields), or the raw audio as the body with those as query parameters. WAV (PCM, mu-law, A-law, float; any rate; mono or stereo) always; other formats when ffmpeg is installed. The same audio uploaded twice is stored and processed once (200 with duplicate: true).",
  tags,
  request: {
    query: meta,
    body: {
      required: true,
      content: {
        "multipart/form-data": {
          schema: {
            ...documented(meta),
            properties: {
              audio: { type: "string", format: "binary", description: "the recording" },
              ...(documented(meta).properties as object),
            },
            required: ["audio"],
          },
        },
        "audio/wav": { schema: { type: "string", format: "binary", description: "the recording itself" } },
      },
    },
  },
  responses: { 201: described("Stored and queued"), 200: described("The same audio was uploaded before") },
  errors: {
    400: "Corrupt or empty audio, bad fields",
    413: "Too large or too long",
    415: "Not audio, or a format this server cannot decode",
    422: "Unknown agent",
  },
});
const list = route({
  method: "get",
  path: "/",
  summary: "List voicemails, newest (or most urgent) first",
  tags,
  request: { query: listQuery },
  responses: { 200: described() },
  errors: { 400: "Bad filter" },
});
const get = route({
  method: "get",
  path: "/{id}",
  summary: "One voicemail with its transcript, triage and routing",
  tags,
  request: { params: idParams },
  responses: { 200: described() },
  errors: notFound,
});
const audio = route({
  method: "get",
  path: "/{id}/audio",
  summary: "The recording, with HTTP Range support",
  tags,
  request: { params: idParams },
  responses: { 200: binary("audio/wav"), 206: binary("audio/wav", "One range of it") },
  errors: { ...notFound, 416: "Range not satisfiable" },
});
const update = route({
  method: "patch",
  path: "/{id}",
  summary: "Mark handled, archived or escalated",
  tags,
  request: { params: idParams, body: jsonRequest(patchBody) },
  responses: { 200: described() },
  errors: { 400: "Bad status", ...notFound, 409: "Still being processed" },
});
const remove = route({
  method: "delete",
  path: "/{id}",
  summary: "Delete a voicemail and its recording",
  tags,
  request: { params: idParams },
  responses: { 204: described("Deleted") },
  errors: notFound,
});

const retry = route({
  method: "post",
  path: "/{id}/retry",
  summary: "Run a failed message's pipeline again (from its stored recording)",
  tags,
  request: { params: idParams },
  responses: { 200: described("Queued again") },
  errors: { ...notFound, 409: "The message has not failed" },
});

/** /v1/voicemails: upload, list, get, audio, status, retry, delete. */
export function voicemailRoutes(services: Pick<ApiDeps, "audio" | "bus" | "clock" | "sql" | "queue" | "voicemail">) {
  const app = apiRouter();
  const repo = new VoicemailsRepo(services.sql);
  const find = async (c: Context) => {
    const v = await repo.get(idParam(c));
    if (!v) throw new ParleyError("not_found", `no voicemail ${c.req.param("id")}`, { status: 404 });
    return v;
  };

  // The raw upload carries its fields in the query: a bad one is reported as a field, as in a multipart body.
  app.openapi(
    upload,
    async (c) => {
      const type = c.req.header("content-type") ?? "";
      let bytes: Uint8Array;
      let fields: Record<string, unknown>;
      if (type.toLowerCase().startsWith("multipart/form-data")) {
        const form = await c.req.parseBody().catch((err: unknown) => {
          throw new ParleyError(
            "invalid_request",
            `the multipart body cannot be read: ${err instanceof Error ? err.message : String(err)}`,
            { status: 400 },
          );
        });
        const file = form.audio ?? form.file;
        if (!(file instanceof File))
          throw new ParleyError("audio_missing", "the multipart body has no file in the 'audio' field", {
            status: 400,
          });
        bytes = new Uint8Array(await file.arrayBuffer());
        fields = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === "string"));
      } else if (AUDIO_TYPES.test(type)) {
        bytes = new Uint8Array(await c.req.arrayBuffer());
        fields = c.req.query();
      } else {
        throw new ParleyError(
          "unsupported_media_type",
          "send the recording as multipart/form-data (field 'audio') or as the raw body with an audio/* Content-Type",
          { status: 415 },
        );
      }
      const m = parseWith(meta, fields, "fields");
      const { voicemail, created } = await services.voicemail.ingest({
        bytes,
        caller: m.caller,
        mailbox: m.mailbox,
        receivedAt: m.received_at,
        agent: m.agent,
      });
      return c.json({ voicemail: presentVoicemail(voicemail), duplicate: !created }, created ? 201 : 200);
    },
    rejectInvalid("fields"),
  );

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    if (after === null) throw new ParleyError("invalid_request", "invalid cursor", { status: 400 });
    const items = await repo.list({
      status: q.status,
      minUrgency: q.urgency,
      tag: q.tag,
      mailbox: q.mailbox,
      agent: q.agent,
      kind: q.kind,
      source: q.source,
      receivedFrom: q.from,
      receivedTo: q.to,
      sort: q.sort,
      after,
      limit: q.limit + 1,
    });
    const page = items.slice(0, q.limit);
    const last = page[page.length - 1];
    return c.json({
      items: page.map(presentVoicemail),
      nextCursor: items.length > q.limit && last ? encodeCursor(last) : null,
    });
  });

  app.openapi(get, async (c) => c.json(presentVoicemail(await find(c))));

  app.openapi(audio, async (c) => {
    const v = await find(c);
    const blob = await services.audio.get(v.audioSha256);
    if (!blob) throw new ParleyError("not_found", `the recording of voicemail ${v.id} is missing`, { status: 404 });
    // The folder may be shared with other nodes: serve only the file of the size that was stored.
    await checkFileSize(blob.path, blob.bytes);
    return sendFile(c, blob.path, blob.contentType);
  });

  app.openapi(update, async (c) => {
    const v = await find(c);
    const body = c.req.valid("json");
    if (v.status === "queued" || v.status === "processing")
      throw new ParleyError("conflict", `voicemail ${v.id} is still ${v.status}`, { status: 409 });
    await repo.setStatus(v.id, body.status, services.clock.now());
    await services.bus.publish("voicemail.updated", `voicemail:${v.id}`, { voicemailId: v.id, status: body.status });
    return c.json(presentVoicemail((await repo.get(v.id)) ?? v));
  });

  app.openapi(retry, async (c) => c.json(presentVoicemail(await services.voicemail.retry((await find(c)).id))));

  app.openapi(remove, async (c) => {
    const v = await find(c);
    const blob = await services.audio.get(v.audioSha256);
    const forget = () =>
      services.sql.transaction(async (tx) => {
        await repo.delete(v.id, tx);
        if ((await repo.usersOfAudio(v.audioSha256, tx)) === 0) await services.audio.forget(v.audioSha256, tx);
      });
    try {
      await forget();
    } catch (err) {
      // A full disk: SQLite cannot even log the delete. Deleting is how space is freed, so the recording goes
      // first (when no other message shares it), then the row, in the room it left.
      if (!isDiskFull(err) || !blob || (await repo.usersOfAudio(v.audioSha256)) > 1) throw err;
      await services.audio.removeFile(blob.path);
      await forget();
    }
    // After the row is gone, so a running job stops without announcing anything (it finds no message).
    if (v.jobId) await services.queue.cancel(v.jobId).catch(() => undefined); // already finished: nothing to cancel
    if (blob && !(await services.audio.get(v.audioSha256))) await services.audio.removeFile(blob.path);
    await services.bus.publish("voicemail.deleted", `voicemail:${v.id}`, { voicemailId: v.id });
    return c.body(null, 204);
  });
  return app;
}
