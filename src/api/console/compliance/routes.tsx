import { Hono, type Context } from "hono";
import { ParleyError } from "../../../lib/errors.js";
import { importDnc, type DncImportReport } from "../../../notify/compliance/dnc-import.js";
import type { DncActor } from "../../../notify/compliance/dnc.js";
import type { ApiDeps } from "../../deps.js";
import { OPT_OUT_SOURCES } from "../../routes/dnc.js";
import type { ConsoleSession } from "../auth/session.js";
import type { ConsoleEnv } from "../context.js";
import { documentHtml, Page } from "../views/layout.js";
import { AuditTable, CampaignWindows, DncForms, DncList, ImportReport } from "./page.js";

const PAGE = 100;
const TRAIL = 50;

/** The signed-in operator or key as the audit trail names them. */
export function consoleActor(s: ConsoleSession): DncActor {
  return { actor: s.kind === "operator" ? `operator ${s.subject}` : `${s.label} (${s.subject})` };
}

type Notice = { kind: "ok" | "error"; text: string } | null;

/**
 * Compliance: the do-not-call list (search, add, CSV import with its report, removal with a reason), its
 * audit trail, the opt-out log and each campaign's calling window. Changes go through the same list as
 * /v1/dnc, so they are audited the same way, under the operator's or key's name.
 */
export function complianceRoutes(services: Pick<ApiDeps, "config" | "logger" | "notify">): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();
  const list = () => services.notify.context().dnc;

  const render = async (c: Context<ConsoleEnv>, notice: Notice, report: DncImportReport | null = null) => {
    const ctx = services.notify.context();
    const rawQ = (c.req.query("q") ?? "").trim();
    const q = /^\+?\d{1,15}$/.test(rawQ) ? (rawQ.startsWith("+") ? rawQ : `+${rawQ}`) : "";
    const after = c.req.query("after") ?? undefined;
    const rows = await list().repo.list({ after, prefix: q || undefined, limit: PAGE + 1 });
    const entries = rows.slice(0, PAGE);
    const more =
      rows.length > PAGE
        ? `/console/dnc?${new URLSearchParams({ ...(q ? { q } : {}), after: entries[entries.length - 1]?.number ?? "" })}`
        : null;
    const number = c.req.query("number") ? (list().key(c.req.query("number") ?? "") ?? undefined) : undefined;
    const csrf = c.get("csrf");
    const bad = rawQ && !q ? { kind: "error" as const, text: "Search by digits, optionally with a leading +." } : null;
    return c.html(
      await documentHtml(
        <Page title="Do not call" section="dnc" session={c.get("session")} csrf={csrf} notice={notice ?? bad}>
          <DncForms csrf={csrf} q={q} />
          {report ? <ImportReport report={report} /> : null}
          <DncList entries={entries} total={await list().repo.count()} csrf={csrf} more={more} q={q} />
          <AuditTable
            id="audit-h"
            title={number ? `Audit trail of ${number}` : "Audit trail"}
            rows={await list().audit.list({ number, limit: TRAIL })}
          />
          <AuditTable
            id="optout-h"
            title="Opt-out log"
            rows={await list().audit.list({ sources: OPT_OUT_SOURCES, limit: TRAIL })}
            optOuts
          />
          <CampaignWindows campaigns={await ctx.campaigns.list({ limit: 100 })} config={services.config.notify} />
        </Page>,
      ),
      notice?.kind === "error" ? 400 : 200,
    );
  };

  app.get("/dnc", (c) => {
    const done = c.req.query("done");
    return render(c, done ? { kind: "ok", text: done.slice(0, 200) } : null);
  });

  app.post("/dnc", async (c) => {
    const body = await c.req.parseBody();
    const raw = typeof body.number === "string" ? body.number.trim() : "";
    const reason = typeof body.reason === "string" && body.reason.trim() ? body.reason.trim().slice(0, 500) : null;
    if (!list().key(raw))
      return render(c, { kind: "error", text: `'${raw.slice(0, 40)}' is not a phone number or SIP URI.` });
    const { entry, created } = await list().add(raw, "console", reason, consoleActor(c.get("session")));
    const text = created ? `${entry.number} is on the do-not-call list.` : `${entry.number} was already listed.`;
    return c.redirect(`/console/dnc?done=${encodeURIComponent(text)}`, 303);
  });

  app.post("/dnc/remove", async (c) => {
    const body = await c.req.parseBody();
    const raw = typeof body.number === "string" ? body.number.trim() : "";
    const reason = typeof body.reason === "string" ? body.reason.trim().slice(0, 500) : "";
    if (!reason) return render(c, { kind: "error", text: "Say why the number is removed: the audit trail keeps it." });
    const key = list().key(raw) ?? raw;
    if (!(await list().remove(key, "console", reason, consoleActor(c.get("session")))))
      return render(c, { kind: "error", text: `${key.slice(0, 60)} is not on the do-not-call list.` });
    services.logger.info({ by: c.get("session").subject }, "do-not-call number removed in the console");
    return c.redirect(`/console/dnc?done=${encodeURIComponent(`${key} was removed.`)}`, 303);
  });

  app.post("/dnc/import", async (c) => {
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File) || file.size === 0)
      return render(c, { kind: "error", text: "Choose a CSV file to import." });
    let report: DncImportReport;
    try {
      report = await importDnc(list(), await file.text(), consoleActor(c.get("session")));
    } catch (err) {
      if (err instanceof ParleyError) return render(c, { kind: "error", text: `Nothing imported: ${err.message}.` });
      throw err;
    }
    return render(c, { kind: "ok", text: `Imported ${file.name}: ${report.added} added.` }, report);
  });
  return app;
}
