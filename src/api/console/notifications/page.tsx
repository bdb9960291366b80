import { notificationStatuses, type NotificationRecord } from "../../../store/repos/notifications-repo.js";
import { Empty, Time, Pager } from "../views/components.js";

export interface NotificationFilter {
  status?: string | undefined;
  campaignId?: number | undefined;
  to?: string | undefined;
}

const words = (s: string | null) => (s ? s.replace(/_/g, " ") : "-");

/** The filter form: status, campaign, recipient. */
export function NotificationFilters(p: { filter: NotificationFilter }) {
  const f = p.filter;
  return (
    <form class="filters" method="get" action="/console/notifications" role="search" aria-label="Filter notifications">
      <div>
        <label for="n-status">Status</label>
        <select id="n-status" name="status">
          <option value="" selected={!f.status}>
            Any
          </option>
          {notificationStatuses.map((s) => (
            <option value={s} selected={f.status === s}>
              {words(s)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="n-campaign">Campaign id</label>
        <input id="n-campaign" name="campaign" inputmode="numeric" size={6} value={f.campaignId ?? ""} />
      </div>
      <div>
        <label for="n-to">Recipient</label>
        <input id="n-to" name="to" inputmode="tel" value={f.to ?? ""} placeholder="+15550100" />
      </div>
      <div class="filter-buttons">
        <button type="submit">Filter</button>
        <a href="/console/notifications">Clear</a>
      </div>
    </form>
  );
}

/** Notifications, newest first, with how each ended: status, outcome, attempts, the menu choice and opt-outs. */
export function NotificationTable(p: { rows: NotificationRecord[]; more: string | null }) {
  if (p.rows.length === 0) return <Empty>No notifications match.</Empty>;
  return (
    <>
      <table class="data" id="notifications">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Recipient</th>
            <th scope="col">Campaign</th>
            <th scope="col">Status</th>
            <th scope="col">Outcome</th>
            <th scope="col" class="num">
              Attempts
            </th>
            <th scope="col">Choice</th>
            <th scope="col">Opted out</th>
            <th scope="col">Next attempt</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {p.rows.map((n) => (
            <tr data-notification={n.id} data-status={n.status}>
              <td>{n.id}</td>
              <td>
                {n.to}
                <details>
                  <summary>Message</summary>
                  <p>{n.text}</p>
                  {n.error ? <p class="bad">{n.error}</p> : null}
                </details>
              </td>
              <td>{n.campaignId === null ? "-" : `#${n.campaignId}`}</td>
              <td>
                <span class={`status k-${n.status}`}>{words(n.status)}</span>
              </td>
              <td>{words(n.outcome)}</td>
              <td class="num">{n.attempts}</td>
              <td>{n.choice ? `${words(n.choice)}${n.digits ? ` (${n.digits})` : ""}` : "-"}</td>
              <td>{n.outcome === "opted_out" ? <strong class="bad">yes</strong> : "no"}</td>
              <td>
                <Time ms={n.nextAttemptAt} />
              </td>
              <td>
                <Time ms={n.createdAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager href={p.more} />
    </>
  );
}
