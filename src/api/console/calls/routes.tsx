import { Hono, type Context } from "hono";
import { parseCallOutcome } from "../../../calls/outcomes.js";
import { ParleyError } from "../../../lib/errors.js";
import type { ApiDeps } from "../../deps.js";
import { CallsRepo } from "../../../store/repos/calls-repo.js";
import { EventsRepo } from "../../../store/repos/events-repo.js";
import { sendFile } from "../../routes/range.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { CallBody } from "./detail.js";
import { CallsBody } from "./list.js";

const PAGE = 50;

/** Calls: the list, one call with its waterfall, and its recording. */
export function callRoutes(services: Pick<ApiDeps, "sql">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const repo = new CallsRepo(services.sql);
  const find = async (c: Context) => {
    const id = Number(c.req.param("id"));
    const call = Number.isSafeInteger(id) && id > 0 ? await repo.get(id) : null;
    if (!call) throw new ParleyError("not_found", `no call ${c.req.param("id")}`, { status: 404 });
    return call;
  };

  app.get("/calls", async (c) => {
    const direction = ["inbound", "outbound"].includes(c.req.query("direction") ?? "")
      ? c.req.query("direction")
      : undefined;
    const outcome = parseCallOutcome(c.req.query("outcome") ?? "") ?? undefined;
    const before = Number(c.req.query("before"));
    const rows = await repo.list({
      direction,
      outcome,
      beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined,
      limit: PAGE + 1,
    });
    const page = await Promise.all(
      rows.slice(0, PAGE).map(async (call) => {
        const turns = await repo.turns(call.id);
        const replies = turns.map((t) => t.timing?.firstRtpMs).filter((v): v is number => typeof v === "number");
        return { call, turns: turns.length, replyP50: median(replies) };
      }),
    );
    const last = page[page.length - 1];
    const q = new URLSearchParams({
      ...(direction ? { direction } : {}),
      ...(outcome ? { outcome } : {}),
      ...(last ? { before: String(last.call.id) } : {}),
    });
    const next = rows.length > PAGE ? `/console/calls?${q}` : null;
    const body = <CallsBody rows={page} direction={direction} outcome={outcome} next={next} />;
    return c.html(
      await documentHtml(
        <Page title="Calls" section="calls" session={c.get("session")} csrf={c.get("csrf")}>
          {body}
        </Page>,
      ),
    );
  });

  app.get("/calls/:id", async (c) => {
    const call = await find(c);
    // The call's events, from the log every node shares with store.url (whichever node took the call).
    const events = await new EventsRepo(services.sql).bySubject(`call:${call.id}`);
    const body = <CallBody call={call} turns={await repo.turns(call.id)} events={events} />;
    return c.html(
      await documentHtml(
        <Page title={`Call #${call.id}`} section="calls" session={c.get("session")} csrf={c.get("csrf")}>
          {body}
        </Page>,
      ),
    );
  });

  app.get("/calls/:id/recording", async (c) => {
    const call = await find(c);
    if (!call.recordingPath) throw new ParleyError("not_found", `call ${call.id} was not recorded`, { status: 404 });
    return sendFile(c, call.recordingPath, "audio/wav");
  });
  return app;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
