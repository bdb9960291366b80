import type { NotifyConfig } from "../../../config/sections/notify.js";
import type { DncImportReport } from "../../../notify/compliance/dnc-import.js";
import type { CampaignRecord } from "../../../store/repos/campaigns-repo.js";
import type { DncAuditRecord } from "../../../store/repos/dnc-audit-repo.js";
import type { DncEntry } from "../../../store/repos/dnc-repo.js";
import { Empty, Time, Pager } from "../views/components.js";

const SOURCE: Record<string, string> = {
  api: "API",
  console: "Console",
  import: "CSV import",
  "opt-out-dtmf": "Opted out by key",
  "opt-out-speech": "Opted out by speech",
};
export const sourceLabel = (s: string) => SOURCE[s] ?? s;

/** Search, add and import: the forms above the list. */
export function DncForms(p: { csrf: string; q: string }) {
  return (
    <div class="two-col">
      <form class="filters" method="get" action="/console/dnc" role="search" aria-label="Search the do-not-call list">
        <div>
          <label for="dnc-q">Number starts with</label>
          <input id="dnc-q" name="q" value={p.q} inputmode="tel" placeholder="+1555" />
        </div>
        <button type="submit">Search</button>
      </form>
      <form class="filters" method="post" action="/console/dnc" aria-label="Add a number">
        <input type="hidden" name="_csrf" value={p.csrf} />
        <div>
          <label for="dnc-add">Number</label>
          <input id="dnc-add" name="number" required inputmode="tel" placeholder="+1 555 0100 or sip:..." />
        </div>
        <div>
          <label for="dnc-add-reason">Reason</label>
          <input id="dnc-add-reason" name="reason" maxlength={500} />
        </div>
        <button type="submit" class="primary">
          Add
        </button>
      </form>
      <form
        class="filters"
        method="post"
        action="/console/dnc/import"
        enctype="multipart/form-data"
        aria-label="Import a CSV"
      >
        <input type="hidden" name="_csrf" value={p.csrf} />
        <div>
          <label for="dnc-csv">CSV file (number, reason)</label>
          <input id="dnc-csv" name="file" type="file" accept=".csv,text/csv,text/plain" required />
        </div>
        <button type="submit">Import</button>
      </form>
    </div>
  );
}

/** What an import did: counts and every rejected row with its reason. */
export function ImportReport(p: { report: DncImportReport }) {
  const r = p.report;
  return (
    <section class="card" aria-labelledby="import-h" data-import-report>
      <h2 id="import-h">Import report</h2>
      <p>{`${r.received} rows: ${r.added} added, ${r.alreadyListed} already listed, ${r.rejected.length} rejected.`}</p>
      {r.rejected.length ? (
        <table class="data">
          <caption>Rejected rows</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Value</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {r.rejected.map((x) => (
              <tr data-rejected-row={x.row}>
                <td class="num">{x.row}</td>
                <td>
                  <code>{x.value || "(empty)"}</code>
                </td>
                <td>{x.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/** The list, in number order, each entry with a removal form that asks why. */
export function DncList(p: { entries: DncEntry[]; total: number; csrf: string; more: string | null; q: string }) {
  return (
    <section aria-labelledby="dnc-h">
      <h2 id="dnc-h">{p.q ? `Numbers starting ${p.q}` : `Listed numbers (${p.total})`}</h2>
      {p.entries.length === 0 ? (
        <Empty>{p.q ? "No listed number starts with that." : "The list is empty."}</Empty>
      ) : (
        <table class="data" id="dnc-list">
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Source</th>
              <th scope="col">Reason</th>
              <th scope="col">Added</th>
              <th scope="col">Remove (why)</th>
            </tr>
          </thead>
          <tbody>
            {p.entries.map((e) => (
              <tr data-dnc={e.number}>
                <td>
                  <a href={`/console/dnc?number=${encodeURIComponent(e.number)}#audit-h`}>{e.number}</a>
                </td>
                <td>{sourceLabel(e.source)}</td>
                <td>{e.reason ?? "-"}</td>
                <td>
                  <Time ms={e.createdAt} />
                </td>
                <td>
                  <form method="post" action="/console/dnc/remove" class="inline">
                    <input type="hidden" name="_csrf" value={p.csrf} />
                    <input type="hidden" name="number" value={e.number} />
                    <input name="reason" required maxlength={500} aria-label={`Why remove ${e.number}`} />{" "}
                    <button type="submit" class="danger">
                      Remove
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager href={p.more} />
    </section>
  );
}

/** Audit rows: the trail (every change) or the opt-out log (with notification and campaign). */
export function AuditTable(p: { id: string; title: string; rows: DncAuditRecord[]; optOuts?: boolean }) {
  return (
    <section aria-labelledby={p.id}>
      <h2 id={p.id}>{p.title}</h2>
      {p.rows.length === 0 ? (
        <Empty>None yet.</Empty>
      ) : (
        <table class="data" data-audit={p.id}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Number</th>
              {p.optOuts ? null : <th scope="col">Change</th>}
              <th scope="col">How</th>
              <th scope="col">Who</th>
              {p.optOuts ? <th scope="col">Notification</th> : <th scope="col">Why</th>}
              {p.optOuts ? <th scope="col">Campaign</th> : null}
            </tr>
          </thead>
          <tbody>
            {p.rows.map((a) => (
              <tr data-audit-row={a.id}>
                <td>
                  <Time ms={a.createdAt} />
                </td>
                <td>{a.number}</td>
                {p.optOuts ? null : <td>{a.action}</td>}
                <td>{sourceLabel(a.source)}</td>
                <td>{a.actor}</td>
                {p.optOuts ? (
                  <td>{a.notificationId === null ? "-" : `#${a.notificationId}`}</td>
                ) : (
                  <td>{a.reason ?? "-"}</td>
                )}
                {p.optOuts ? (
                  <td>{a.campaignId === null ? "-" : <a href="/console/campaigns">{`#${a.campaignId}`}</a>}</td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Each campaign's calling window and quiet days: its own where set, else the configured defaults (marked). */
export function CampaignWindows(p: { campaigns: CampaignRecord[]; config: NotifyConfig }) {
  const d = p.config;
  const dflt = (v: string) => `${v} (default)`;
  return (
    <section aria-labelledby="windows-h">
      <h2 id="windows-h">Campaign calling windows</h2>
      <p class="hint">
        {`Defaults (notify.window, notify.quietDays): ${d.window.start}-${d.window.end} in the recipient's time zone, quiet on ${d.quietDays.join(", ") || "no day"}. A campaign's window is set when it is created (POST /v1/campaigns, window).`}
      </p>
      {p.campaigns.length === 0 ? (
        <Empty>No campaigns.</Empty>
      ) : (
        <table class="data" id="campaign-windows">
          <thead>
            <tr>
              <th scope="col">Campaign</th>
              <th scope="col">Status</th>
              <th scope="col">Window</th>
              <th scope="col">Time zone</th>
              <th scope="col">Quiet days</th>
              <th scope="col">Holidays</th>
            </tr>
          </thead>
          <tbody>
            {p.campaigns.map((c) => {
              const w = c.window;
              return (
                <tr data-campaign-window={c.id}>
                  <td>{c.name}</td>
                  <td>{c.status}</td>
                  <td>
                    {w?.start || w?.end
                      ? `${w.start ?? d.window.start}-${w.end ?? d.window.end}`
                      : dflt(`${d.window.start}-${d.window.end}`)}
                  </td>
                  <td>{w?.timeZone ?? "the recipient's"}</td>
                  <td>{w?.quietDays ? w.quietDays.join(", ") || "none" : dflt(d.quietDays.join(", ") || "none")}</td>
                  <td>{[...d.holidays, ...(w?.holidays ?? [])].join(", ") || "-"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
