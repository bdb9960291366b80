import type { CampaignProgress } from "../../../notify/campaigns/progress.js";
import type { RejectedRow } from "../../../store/repos/campaign-rejected-rows-repo.js";
import type { CampaignRecord } from "../../../store/repos/campaigns-repo.js";
import { notificationStatuses, type NotificationRecord } from "../../../store/repos/notifications-repo.js";
import { Empty, Facts, Time, Pager } from "../views/components.js";
import { CampaignActions, Counts } from "./page.js";

export interface CampaignDetailProps {
  campaign: CampaignRecord;
  progress: CampaignProgress;
  recipients: NotificationRecord[];
  rejected: RejectedRow[];
  rejectedTotal: number;
  status: string | undefined;
  /** The next page's link, or null on the last page. */
  next: string | null;
  csrf: string;
}

/** One campaign: its settings and progress, controls, results CSV, recipients (filtered, paged) and rejected rows. */
export function CampaignDetail(p: CampaignDetailProps) {
  const c = p.campaign;
  const base = `/console/campaigns/${c.id}`;
  return (
    <div class="campaign-detail" data-campaign={c.id}>
      <p>
        <a href="/console/campaigns">All campaigns</a>
      </p>
      <section class="card" aria-labelledby="camp-h">
        <header>
          <h2 id="camp-h">{c.name}</h2>
          <span class={`status k-${c.status}`} data-campaign-status={c.id}>
            {c.status}
          </span>
        </header>
        <Facts
          items={[
            ["Agent", c.agent],
            ["Message", c.text],
            ["Disclosure", c.disclosure],
            ["Pacing", `up to ${c.callsPerSecond} call(s)/s, ${c.maxConcurrent} at once`],
            [
              "Calling window",
              c.window ? `${c.window.start ?? ""}-${c.window.end ?? ""} ${c.window.timeZone ?? ""}` : null,
            ],
            ["Created", <Time ms={c.createdAt} />],
            ["Started", c.startedAt ? <Time ms={c.startedAt} /> : null],
            ["Ended", c.finishedAt ? <Time ms={c.finishedAt} /> : null],
          ]}
        />
        <div class="progress-line">
          <label for="camp-p">Progress</label>
          <progress
            id="camp-p"
            value={p.progress.done}
            max={Math.max(1, p.progress.total)}
            data-campaign-progress={c.id}
          >
            {`${p.progress.done} of ${p.progress.total}`}
          </progress>
          <span data-campaign-done={c.id}>{`${p.progress.done} of ${p.progress.total} recipients done`}</span>
        </div>
        <div class="two-col">
          <div>
            <h3>Recipients</h3>
            <Counts counts={p.progress.counts} label="Recipients by status" kind="status" id={c.id} />
          </div>
          <div>
            <h3>Outcomes</h3>
            <Counts counts={p.progress.outcomes} label="Outcomes of the calls" kind="outcome" id={c.id} />
          </div>
        </div>
        <CampaignActions campaign={c} csrf={p.csrf} back={base} />
        <p>
          <a href={`${base}/results.csv`} download={`campaign-${c.id}-results.csv`} data-results-csv>
            Download results CSV
          </a>{" "}
          <span class="hint">every recipient with its status and outcome, then the rows the uploads rejected</span>
        </p>
      </section>

      <section aria-labelledby="rcp-h">
        <h2 id="rcp-h">Recipients</h2>
        <form class="filters" method="get" action={base} role="search" aria-label="Filter recipients">
          <div>
            <label for="r-status">Status</label>
            <select id="r-status" name="status">
              <option value="" selected={!p.status}>
                Any
              </option>
              {notificationStatuses.map((s) => (
                <option value={s} selected={p.status === s}>
                  {s.replace(/_/g, " ")}
                </option>
              ))}
            </select>
          </div>
          <div class="filter-buttons">
            <button type="submit" class="secondary">
              Filter
            </button>
            <a href={base}>Clear</a>
          </div>
        </form>
        {p.recipients.length === 0 ? (
          <Empty>{p.status ? `No recipient is ${p.status.replace(/_/g, " ")}.` : "No recipients yet."}</Empty>
        ) : (
          <table class="data recipients">
            <caption>Recipients, newest first</caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  Row
                </th>
                <th scope="col">To</th>
                <th scope="col">Status</th>
                <th scope="col">Outcome</th>
                <th scope="col" class="num">
                  Attempts
                </th>
                <th scope="col">Next attempt</th>
                <th scope="col">Call</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {p.recipients.map((n) => (
                <tr data-recipient={n.id}>
                  <td class="num">{n.rowNo ?? ""}</td>
                  <td>{n.to}</td>
                  <td>{n.status.replace(/_/g, " ")}</td>
                  <td>{n.outcome ?? ""}</td>
                  <td class="num">{n.attempts}</td>
                  <td>{n.nextAttemptAt ? <Time ms={n.nextAttemptAt} /> : ""}</td>
                  <td>{n.lastCallId ? <a href={`/console/calls/${n.lastCallId}`}>{`call ${n.lastCallId}`}</a> : ""}</td>
                  <td>{n.error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pager href={p.next}>Older recipients</Pager>
      </section>

      <section aria-labelledby="rej-h">
        <h2 id="rej-h">{`Rejected rows (${p.rejectedTotal})`}</h2>
        {p.rejected.length === 0 ? (
          <Empty>No uploaded row was rejected.</Empty>
        ) : (
          <RejectedTable rows={p.rejected} caption="Rows the uploads did not import, with the reason" />
        )}
        {p.rejectedTotal > p.rejected.length ? (
          <p class="hint">{`The first ${p.rejected.length} are shown; the results CSV has them all.`}</p>
        ) : null}
      </section>
    </div>
  );
}

/** Upload rows with their line and the reason they were not imported. */
export function RejectedTable(p: { rows: { row: number; to: string | null; reason: string }[]; caption: string }) {
  return (
    <table class="data rejected">
      <caption>{p.caption}</caption>
      <thead>
        <tr>
          <th scope="col" class="num">
            Line
          </th>
          <th scope="col">To</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {p.rows.map((r) => (
          <tr data-rejected-row={r.row}>
            <td class="num">{r.row}</td>
            <td>{r.to ?? ""}</td>
            <td>{r.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
