import { callOutcomes } from "../../../calls/outcomes.js";
import type { CallRecord } from "../../../store/repos/calls-repo.js";
import { Empty, formatDuration, Time, Pager } from "../views/components.js";
import { SearchBox } from "../search/box.js";

export interface CallRow {
  call: CallRecord;
  turns: number;
  /** Median ms from the caller's last word to the first reply packet, over the call's answered turns. */
  replyP50: number | null;
}

const OUTCOMES = callOutcomes;

/** Calls, newest first, with a filter and a link to each call's transcript and waterfall. */
export function CallsBody(p: { rows: CallRow[]; direction?: string; outcome?: string; next: string | null }) {
  return (
    <>
      <SearchBox kind="call" id="calls-q" />
      <form class="filters" method="get" action="/console/calls" role="search" aria-label="Filter calls">
        <div>
          <label for="c-dir">Direction</label>
          <select id="c-dir" name="direction">
            <option value="" selected={!p.direction}>
              Any
            </option>
            <option value="inbound" selected={p.direction === "inbound"}>
              Inbound
            </option>
            <option value="outbound" selected={p.direction === "outbound"}>
              Outbound
            </option>
          </select>
        </div>
        <div>
          <label for="c-out">Outcome</label>
          <select id="c-out" name="outcome">
            <option value="" selected={!p.outcome}>
              Any
            </option>
            {OUTCOMES.map((o) => (
              <option value={o} selected={p.outcome === o}>
                {o}
              </option>
            ))}
          </select>
        </div>
        <div class="filter-buttons">
          <button type="submit" class="secondary">
            Filter
          </button>
          <a href="/console/calls">Clear</a>
        </div>
      </form>
      {p.rows.length === 0 ? (
        <Empty>No calls yet. Calls appear here once they end.</Empty>
      ) : (
        <table class="data calls">
          <caption class="visually-hidden">Calls, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col">Started</th>
              <th scope="col">Direction</th>
              <th scope="col">Number</th>
              <th scope="col">Agent</th>
              <th scope="col">Length</th>
              <th scope="col">Outcome</th>
              <th scope="col" class="num">
                Turns
              </th>
              <th scope="col" class="num">
                Reply p50
              </th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map(({ call, turns, replyP50 }) => (
              <tr>
                <td>
                  <a href={`/console/calls/${call.id}`}>{`#${call.id}`}</a>
                </td>
                <td>
                  <Time ms={call.startedAt} />
                </td>
                <td>{call.direction}</td>
                <td>{call.remoteNumber ?? "-"}</td>
                <td>{call.agent}</td>
                <td>{formatDuration(call.endedAt && call.answeredAt ? call.endedAt - call.answeredAt : null)}</td>
                <td>{call.outcome ?? (call.endedAt ? "-" : "in progress")}</td>
                <td class="num">{turns}</td>
                <td class="num">{replyP50 === null ? "-" : `${Math.round(replyP50)} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager href={p.next}>Older calls</Pager>
    </>
  );
}
