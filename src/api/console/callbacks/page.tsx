import type { CallbackRecord } from "../../../store/repos/callbacks-repo.js";
import { ActionForm, Empty, Time, Pager } from "../views/components.js";

/** The tabs of the page: what an operator looks for. */
export const CALLBACK_TABS = [
  { status: "upcoming", label: "Upcoming" },
  { status: "calling", label: "Calling" },
  { status: "placed", label: "Placed" },
  { status: "failed", label: "Failed" },
  { status: "cancelled", label: "Cancelled" },
] as const;

const origin = (c: CallbackRecord) =>
  c.voicemailId ? (
    <a href={`/console/inbox?selected=${c.voicemailId}`}>{`voicemail ${c.voicemailId}`}</a>
  ) : c.callId ? (
    <a href={`/console/calls/${c.callId}`}>{`call ${c.callId}`}</a>
  ) : c.notificationId ? (
    `notification ${c.notificationId}`
  ) : (
    (c.source ?? "")
  );

/** Callbacks of one status (or one voicemail's or call's), with cancel and reschedule for the upcoming ones. */
export function CallbacksBody(p: { rows: CallbackRecord[]; status: string | null; next: string | null; csrf: string }) {
  return (
    <>
      <nav class="tabs" aria-label="Callbacks by status">
        <ul>
          {CALLBACK_TABS.map((t) => (
            <li>
              <a
                href={`/console/callbacks?status=${t.status}`}
                aria-current={p.status === t.status ? "page" : undefined}
              >
                {t.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {p.rows.length === 0 ? (
        <Empty>{p.status ? `No ${p.status} callbacks.` : "No callback matches."}</Empty>
      ) : (
        <table class="data callbacks">
          <caption>{p.status ? `Callbacks: ${p.status}` : "Callbacks"}</caption>
          <thead>
            <tr>
              <th scope="col">To</th>
              <th scope="col">About</th>
              <th scope="col">When</th>
              <th scope="col">Status</th>
              <th scope="col">From</th>
              <th scope="col" class="num">
                Dials
              </th>
              <th scope="col">Outcome</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {p.rows.map((c) => (
              <tr id={`cb-${c.id}`} data-callback={c.id}>
                <td>{c.to ?? "no number"}</td>
                <td>{c.reason}</td>
                <td>
                  <Time ms={c.runAt} />
                </td>
                <td data-callback-status={c.id}>{c.status}</td>
                <td>{origin(c)}</td>
                <td class="num">{c.attempts}</td>
                <td>
                  {c.placedCallId ? (
                    <a href={`/console/calls/${c.placedCallId}`}>{c.lastOutcome ?? "placed"}</a>
                  ) : (
                    (c.lastOutcome ?? "")
                  )}
                  {c.error ? <span class="hint">{` ${c.error}`}</span> : null}
                </td>
                <td>{c.status === "upcoming" ? <CallbackActions c={c} csrf={p.csrf} /> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager href={p.next}>Older callbacks</Pager>
    </>
  );
}

/** Cancel, and a reschedule form (a UTC time; the server holds it to the callback rules). */
function CallbackActions(p: { c: CallbackRecord; csrf: string }) {
  const id = p.c.id;
  const current = new Date(p.c.runAt).toISOString().slice(0, 16);
  return (
    <div class="actions">
      <ActionForm action={`/console/callbacks/${id}/cancel`} csrf={p.csrf} label="Cancel" kind="danger" />
      <form method="post" action={`/console/callbacks/${id}/reschedule`} class="inline">
        <input type="hidden" name="_csrf" value={p.csrf} />
        <label for={`cb-${id}-at`}>New time (UTC)</label>
        <input id={`cb-${id}-at`} name="at" type="datetime-local" required value={current} />
        <button type="submit" class="secondary">
          Reschedule
        </button>
      </form>
    </div>
  );
}
