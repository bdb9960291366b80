import type { ImportReport } from "../../../notify/campaigns/recipients.js";
import { RejectedTable } from "./detail.js";

/** What the operator typed, kept when the form comes back with an error. */
export type NewCampaignValues = Partial<Record<"name" | "text" | "templateId" | "agent" | "disclosure", string>>;

/** Create a campaign (a draft) from a CSV of recipients: the same fields and checks as POST /v1/campaigns. */
export function NewCampaignForm(p: {
  csrf: string;
  agents: string[];
  templates: { id: number; name: string }[];
  values: NewCampaignValues;
}) {
  const v = p.values;
  return (
    <form
      class="card new-campaign"
      method="post"
      action="/console/campaigns/new"
      enctype="multipart/form-data"
      aria-label="New campaign"
    >
      <input type="hidden" name="_csrf" value={p.csrf} />
      <div class="field">
        <label for="nc-name">Name</label>
        <input id="nc-name" name="name" required maxlength={200} value={v.name ?? ""} />
      </div>
      <div class="field">
        <label for="nc-text">Message</label>
        <textarea id="nc-text" name="text" rows={3} maxlength={2000} aria-describedby="nc-text-h">
          {v.text ?? ""}
        </textarea>
        <p class="hint" id="nc-text-h">
          What the call says, with <code>{"{variables}"}</code> filled from the CSV's columns. Or pick a template.
        </p>
      </div>
      <div class="field">
        <label for="nc-template">Template</label>
        <select id="nc-template" name="templateId">
          <option value="">None (use the message above)</option>
          {p.templates.map((t) => (
            <option value={String(t.id)} selected={v.templateId === String(t.id)}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="nc-agent">Agent</label>
        <select id="nc-agent" name="agent">
          {p.agents.map((a) => (
            <option value={a} selected={v.agent === a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="nc-disclosure">Disclosure (optional)</label>
        <input id="nc-disclosure" name="disclosure" maxlength={500} value={v.disclosure ?? ""} />
      </div>
      <div class="field">
        <label for="nc-file">Recipients (CSV)</label>
        <input id="nc-file" name="file" type="file" accept=".csv,text/csv" required aria-describedby="nc-file-h" />
        <p class="hint" id="nc-file-h">
          A header line, then one recipient a line: a <code>to</code> column (number), optionally <code>timezone</code>,
          and one column per variable. Every row is checked; bad rows are listed with their line and reason, and the
          good ones imported.
        </p>
      </div>
      <button type="submit" class="primary">
        Create campaign
      </button>
    </form>
  );
}

/** The upload's validation report: imported, flagged (do-not-call) and rejected rows with their line and reason. */
export function ImportReportView(p: { campaignId: number; name: string; report: ImportReport }) {
  const r = p.report;
  return (
    <section class="card import-report" aria-labelledby="rep-h" data-import-report={p.campaignId}>
      <h2 id="rep-h">{`Campaign "${p.name}" created as a draft`}</h2>
      <p data-import-summary>
        {`${r.received} rows received: ${r.imported} imported, ${r.flagged.length} on the do-not-call list, ${r.rejected.length} rejected.`}
      </p>
      {r.flagged.length ? (
        <RejectedTable rows={r.flagged} caption="On the do-not-call list: stored as rejected_dnc, never called" />
      ) : null}
      {r.rejected.length ? <RejectedTable rows={r.rejected} caption="Rejected rows, with the reason" /> : null}
      <p>
        <a class="button primary" href={`/console/campaigns/${p.campaignId}`}>
          Open the campaign
        </a>{" "}
        <span class="hint">to check its recipients and start it.</span>
      </p>
    </section>
  );
}
