import type { CampaignProgress } from "../../../notify/campaigns/progress.js";
import type { CampaignRecord } from "../../../store/repos/campaigns-repo.js";
import { ActionForm, Empty, Time } from "../views/components.js";

export interface CampaignRow {
  campaign: CampaignRecord;
  progress: CampaignProgress;
}

const ACTIONS = {
  draft: [["start", "Start", "primary"]],
  running: [["pause", "Pause", "primary"]],
  paused: [["resume", "Resume", "primary"]],
  cancelled: [],
  finished: [],
} as const;

/** Counts as "label: n" items, zeros left out. */
export function Counts(p: { counts: Record<string, number>; label: string; kind: string; id: number }) {
  const shown = Object.entries(p.counts).filter(([, n]) => n > 0);
  return (
    <ul class="counts" aria-label={p.label} data-counts={`${p.kind}-${p.id}`}>
      {shown.length ? (
        shown.map(([k, n]) => (
          <li>
            <span class="k">{k.replace(/_/g, " ")}</span> <span class="n">{n}</span>
          </li>
        ))
      ) : (
        <li>none yet</li>
      )}
    </ul>
  );
}

/** Campaigns with their progress, outcomes and controls; live progress comes over SSE (campaigns.js). */
export function CampaignsBody(p: { rows: CampaignRow[]; csrf: string }) {
  if (p.rows.length === 0) {
    return (
      <>
        <NewCampaignLink />
        <Empty>
          No campaigns yet. Create one from a CSV of recipients (or with <code>POST /v1/campaigns</code>), then start it
          here.
        </Empty>
      </>
    );
  }
  return (
    <>
      <NewCampaignLink />
      <ul class="campaigns">
        {p.rows.map(({ campaign: c, progress: pr }) => (
          <li class="card campaign" data-campaign={c.id} aria-labelledby={`camp-${c.id}-h`}>
            <header>
              <h2 id={`camp-${c.id}-h`}>
                <a href={`/console/campaigns/${c.id}`}>{c.name}</a>
              </h2>
              <span class={`status k-${c.status}`} data-campaign-status={c.id}>
                {c.status}
              </span>
            </header>
            <div class="progress-line">
              <label for={`camp-${c.id}-p`}>Progress</label>
              <progress
                id={`camp-${c.id}-p`}
                value={pr.done}
                max={Math.max(1, pr.total)}
                data-campaign-progress={c.id}
              >{`${pr.done} of ${pr.total}`}</progress>
              <span data-campaign-done={c.id}>{`${pr.done} of ${pr.total} recipients done`}</span>
            </div>
            <div class="two-col">
              <div>
                <h3>Recipients</h3>
                <Counts counts={pr.counts} label="Recipients by status" kind="status" id={c.id} />
              </div>
              <div>
                <h3>Outcomes</h3>
                <Counts counts={pr.outcomes} label="Outcomes of the calls" kind="outcome" id={c.id} />
              </div>
            </div>
            <p class="hint">
              {`Agent ${c.agent} · up to ${c.callsPerSecond} call(s)/s, ${c.maxConcurrent} at once · created `}
              <Time ms={c.createdAt} />
              {c.startedAt ? (
                <>
                  {" "}
                  · started <Time ms={c.startedAt} />
                </>
              ) : null}
              {c.finishedAt ? (
                <>
                  {" "}
                  · ended <Time ms={c.finishedAt} />
                </>
              ) : null}
            </p>
            <CampaignActions campaign={c} csrf={p.csrf} back="/console/campaigns" />
          </li>
        ))}
      </ul>
    </>
  );
}

function NewCampaignLink() {
  return (
    <p>
      <a class="button primary" href="/console/campaigns/new">
        New campaign from CSV
      </a>
    </p>
  );
}

/** Start / pause / resume as the status allows, and cancel behind a confirmation; `back` is where the form returns. */
export function CampaignActions(p: { campaign: CampaignRecord; csrf: string; back: string }) {
  const c = p.campaign;
  return (
    <div class="actions">
      {ACTIONS[c.status].map(([action, label, kind]) => (
        <ActionForm
          action={`/console/campaigns/${c.id}/${action}`}
          csrf={p.csrf}
          label={label}
          kind={kind}
          fields={{ back: p.back }}
        />
      ))}
      {c.status === "draft" || c.status === "running" || c.status === "paused" ? (
        <details class="danger">
          <summary>Cancel campaign</summary>
          <p>Cancelling drops every recipient not yet called and ends the calls in progress. It cannot be undone.</p>
          <ActionForm
            action={`/console/campaigns/${c.id}/cancel`}
            csrf={p.csrf}
            label="Cancel this campaign"
            kind="danger"
            fields={{ back: p.back }}
          />
        </details>
      ) : null}
    </div>
  );
}
