import { Hono, type Context } from "hono";
import { ParleyError } from "../../../lib/errors.js";
import type { ApiDeps } from "../../deps.js";
import { VoicemailStatsRepo } from "../../../store/repos/voicemail-stats-repo.js";
import { VoicemailsRepo, type VoicemailStatus } from "../../../store/repos/voicemails-repo.js";
import { decodeCursor, encodeCursor } from "../../routes/voicemail-present.js";
import { sendFile } from "../../routes/range.js";
import { formField, wantsJson } from "../auth/guard.js";
import { safeNext } from "../auth/login-routes.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { VoicemailDetail } from "./detail.js";
import { inboxHref, matches, parseFilter, statusesOf } from "./filter.js";
import { InboxBody } from "./page.js";
import { VoicemailRow } from "./row.js";

const PAGE = 50;
const SETTABLE = new Set<VoicemailStatus>(["handled", "archived", "escalated", "processed"]);

/** The voicemail inbox: the page, one message as a fragment (live updates), its audio, and status changes. */
export function inboxRoutes(
  services: Pick<ApiDeps, "audio" | "bus" | "clock" | "sql" | "logger" | "voicemail">,
): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const repo = new VoicemailsRepo(services.sql);
  const stats = new VoicemailStatsRepo(services.sql);
  const find = async (c: Context) => {
    const id = Number(c.req.param("id"));
    const v = Number.isSafeInteger(id) && id > 0 ? await repo.get(id) : null;
    if (!v) throw new ParleyError("not_found", `no voicemail ${c.req.param("id")}`, { status: 404 });
    return v;
  };

  app.get("/inbox", async (c) => {
    const q = c.req.query();
    const filter = parseFilter(q);
    const after = q.cursor ? (decodeCursor(q.cursor) ?? undefined) : undefined;
    const rows = await repo.list({
      status: statusesOf(filter),
      minUrgency: filter.urgency,
      tag: filter.tag,
      mailbox: filter.mailbox,
      source: filter.source,
      sort: "urgency",
      after,
      limit: PAGE + 1,
    });
    const items = rows.slice(0, PAGE);
    const last = items[items.length - 1];
    const wanted = Number(q.selected);
    const selected = items.find((v) => v.id === wanted)?.id ?? null;
    const [tags, mailboxes] = await Promise.all([stats.topTags(), stats.mailboxes()]);
    const body = (
      <InboxBody
        filter={filter}
        items={items}
        selected={selected}
        nextCursor={rows.length > PAGE && last ? encodeCursor(last) : null}
        csrf={c.get("csrf")}
        tags={tags}
        mailboxes={mailboxes}
      />
    );
    return c.html(
      await documentHtml(
        <Page
          title="Voicemail inbox"
          section="inbox"
          session={c.get("session")}
          csrf={c.get("csrf")}
          scripts={["inbox.js"]}
        >
          {body}
        </Page>,
      ),
    );
  });

  // One message as list row + detail, for a page that heard about it over SSE; X-Inbox-Match says whether it fits that page's filter.
  app.get("/inbox/items/:id", async (c) => {
    const v = await find(c);
    const filter = parseFilter(c.req.query());
    const html = (
      <div>
        <VoicemailRow v={v} href={inboxHref(filter, { selected: v.id })} selected={false} />
        <VoicemailDetail v={v} selected={false} csrf={c.get("csrf")} back={inboxHref(filter, { selected: v.id })} />
      </div>
    );
    return c.html(String(await html), 200, { "x-inbox-match": matches(v, filter) ? "1" : "0" });
  });

  // One message on its own page (search results link here: the inbox shows only its first page of a filter).
  app.get("/voicemails/:id", async (c) => {
    const v = await find(c);
    const back = `/console/voicemails/${v.id}`;
    return c.html(
      await documentHtml(
        <Page title={`Voicemail #${v.id}`} section="inbox" session={c.get("session")} csrf={c.get("csrf")}>
          <p>
            <a href={`/console/inbox?status=all&selected=${v.id}`}>Open in the inbox</a>
          </p>
          <VoicemailDetail v={v} selected={true} csrf={c.get("csrf")} back={back} />
        </Page>,
      ),
    );
  });

  app.get("/voicemails/:id/audio", async (c) => {
    const v = await find(c);
    const blob = await services.audio.get(v.audioSha256);
    if (!blob) throw new ParleyError("not_found", `the recording of voicemail ${v.id} is missing`, { status: 404 });
    return sendFile(c, blob.path, blob.contentType);
  });

  // Retry a failed message: the same operation as POST /v1/voicemails/{id}/retry.
  app.post("/voicemails/:id/retry", async (c) => {
    const v = await services.voicemail.retry((await find(c)).id);
    services.logger.info({ voicemailId: v.id, by: c.get("session").subject }, "voicemail retried in the console");
    if (wantsJson(c)) return c.json({ id: v.id, status: v.status });
    return c.redirect(safeNext(await formField(c, "next")), 303);
  });

  app.post("/voicemails/:id/status", async (c) => {
    const v = await find(c);
    const status = (await formField(c, "status")) as VoicemailStatus | undefined;
    if (!status || !SETTABLE.has(status))
      throw new ParleyError("invalid_request", "status must be handled, archived, escalated or processed", {
        status: 400,
      });
    // Same rule as PATCH /v1/voicemails/{id}: a message still being processed would have its status overwritten by the job.
    if (v.status === "queued" || v.status === "processing")
      throw new ParleyError("conflict", `voicemail ${v.id} is still ${v.status}`, { status: 409 });
    await repo.setStatus(v.id, status, services.clock.now());
    await services.bus.publish("voicemail.updated", `voicemail:${v.id}`, { voicemailId: v.id, status });
    services.logger.info(
      { voicemailId: v.id, status, by: c.get("session").subject },
      "voicemail status set in the console",
    );
    if (wantsJson(c)) return c.json({ id: v.id, status });
    return c.redirect(safeNext(await formField(c, "next")), 303);
  });
  return app;
}
