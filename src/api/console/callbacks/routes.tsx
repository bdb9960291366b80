import { Hono, type Context } from "hono";
import { ParleyError } from "../../../lib/errors.js";
import { callbackStatuses, type CallbackRecord, type CallbackStatus } from "../../../store/repos/callbacks-repo.js";
import type { ApiDeps } from "../../deps.js";
import { wantsJson } from "../auth/guard.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { CallbacksBody } from "./page.js";

const PAGE = 50;
type Notice = { kind: "ok" | "error"; text: string } | null;

/** /console/callbacks: the callbacks Parley promised, by status, with cancel and reschedule (the notify facade's desk). */
export function callbackConsoleRoutes(services: Pick<ApiDeps, "logger" | "notify">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const desk = services.notify.callbacks;

  const page = async (c: Context<ConsoleEnv>, notice: Notice, code: 200 | 400 | 404 | 409 = 200) => {
    const asked = c.req.query("status");
    const voicemail = Number(c.req.query("voicemail") ?? NaN);
    const call = Number(c.req.query("call") ?? NaN);
    let rows: CallbackRecord[];
    let status: CallbackStatus | null = null;
    let next: string | null = null;
    // A voicemail's or a call's callback (the links on their pages), else one status, upcoming first.
    if (Number.isSafeInteger(voicemail) && voicemail > 0)
      rows = [await desk.forVoicemail(voicemail)].filter((r) => r !== null);
    else if (Number.isSafeInteger(call) && call > 0) rows = [await desk.forCall(call)].filter((r) => r !== null);
    else {
      status = (callbackStatuses as readonly string[]).includes(asked ?? "") ? (asked as CallbackStatus) : "upcoming";
      const cursor = Number(c.req.query("cursor") ?? NaN);
      const found = await desk.list({
        status,
        before: Number.isSafeInteger(cursor) ? cursor : undefined,
        limit: PAGE + 1,
      });
      rows = found.slice(0, PAGE);
      const last = rows[rows.length - 1];
      if (found.length > PAGE && last) next = `/console/callbacks?status=${status}&cursor=${last.id}`;
    }
    const done = c.req.query("done");
    return c.html(
      await documentHtml(
        <Page
          title="Callbacks"
          section="callbacks"
          session={c.get("session")}
          csrf={c.get("csrf")}
          notice={notice ?? (done ? { kind: "ok", text: done.slice(0, 200) } : null)}
        >
          <CallbacksBody rows={rows} status={status} next={next} csrf={c.get("csrf")} />
        </Page>,
      ),
      code,
    );
  };
  const idOf = (c: Context<ConsoleEnv>) => {
    const id = Number(c.req.param("id"));
    if (!Number.isSafeInteger(id) || id < 1) throw new ParleyError("not_found", "no such callback", { status: 404 });
    return id;
  };
  // A refused change (already placed, outside the callback hours) comes back on the page with the reason.
  const refused = (c: Context<ConsoleEnv>, err: unknown) => {
    if (!(err instanceof ParleyError) || ![400, 404, 409].includes(err.status)) throw err;
    if (wantsJson(c)) return c.json({ error: { code: err.code, message: err.message } }, err.status as 400 | 404 | 409);
    return page(c, { kind: "error", text: err.message }, err.status as 400 | 404 | 409);
  };

  app.get("/callbacks", (c) => page(c, null));

  app.post("/callbacks/:id/cancel", async (c) => {
    const id = idOf(c);
    try {
      const done = await desk.cancel(id);
      services.logger.info({ callbackId: id, by: c.get("session").subject }, "callback cancelled in the console");
      if (wantsJson(c)) return c.json({ id, status: done.status });
      return c.redirect(
        `/console/callbacks?status=cancelled&done=${encodeURIComponent(`Callback ${id} cancelled.`)}`,
        303,
      );
    } catch (err) {
      return refused(c, err);
    }
  });

  app.post("/callbacks/:id/reschedule", async (c) => {
    const id = idOf(c);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const raw = typeof form.at === "string" ? form.at.trim() : "";
    // datetime-local sends "2026-11-26T10:30" (no zone): the form says UTC.
    const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(raw) ? Date.parse(`${raw}Z`) : NaN;
    try {
      if (Number.isNaN(at))
        throw new ParleyError("invalid_time", `'${raw.slice(0, 40)}' is not a time; pick a date and a time`, {
          status: 400,
        });
      const moved = await desk.reschedule(id, at);
      services.logger.info({ callbackId: id, by: c.get("session").subject }, "callback rescheduled in the console");
      if (wantsJson(c)) return c.json({ id, status: moved.status, runAt: new Date(moved.runAt).toISOString() });
      const text = `Callback ${id} moved to ${new Date(moved.runAt).toISOString().slice(0, 16).replace("T", " ")} UTC.`;
      return c.redirect(`/console/callbacks?status=upcoming&done=${encodeURIComponent(text)}`, 303);
    } catch (err) {
      return refused(c, err);
    }
  });
  return app;
}
