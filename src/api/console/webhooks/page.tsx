import type { DeliveryAttempt, WebhookEndpoint } from "../../../webhooks/index.js";
import { ActionForm, Empty, Facts, Time, Pager } from "../views/components.js";

const STATE: Record<string, string> = {
  queued: "Queued",
  running: "Sending",
  failed: "Waiting to retry",
  succeeded: "Delivered",
  dead: "Gave up",
  cancelled: "Cancelled",
};

/** Endpoints, each with its test button and a link to its delivery log. */
export function EndpointList(p: { endpoints: WebhookEndpoint[]; csrf: string }) {
  if (p.endpoints.length === 0)
    return (
      <Empty>
        No webhook endpoints. Create one with <code>POST /v1/webhooks</code> (name, url, events).
      </Empty>
    );
  return (
    <table class="data" id="endpoints">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">URL</th>
          <th scope="col">Events</th>
          <th scope="col">Enabled</th>
          <th scope="col">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {p.endpoints.map((e) => (
          <tr data-endpoint={e.id}>
            <th scope="row">
              <a href={`/console/webhooks/${e.id}`}>{e.name}</a>
            </th>
            <td>
              <code>{e.url}</code>
            </td>
            <td>{e.events.join(", ")}</td>
            <td>{e.enabled ? "yes" : "no"}</td>
            <td>
              <TestButton endpoint={e} csrf={p.csrf} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function TestButton(p: { endpoint: WebhookEndpoint; csrf: string }) {
  return (
    <ActionForm
      action={`/console/webhooks/${p.endpoint.id}/test`}
      csrf={p.csrf}
      label="Send a test"
      disabled={!p.endpoint.enabled}
    />
  );
}

/** One endpoint: its settings and its delivery log, every attempt newest first, with Retry on a failed delivery. */
export function EndpointDetail(p: {
  endpoint: WebhookEndpoint;
  attempts: DeliveryAttempt[];
  csrf: string;
  more: string | null;
}) {
  const e = p.endpoint;
  return (
    <>
      <Facts
        items={[
          ["URL", <code>{e.url}</code>],
          ["Events", e.events.join(", ")],
          ["Enabled", e.enabled ? "yes" : "no (tests and deliveries are refused)"],
          ["Created", <Time ms={e.createdAt} />],
        ]}
      />
      <p>
        <TestButton endpoint={e} csrf={p.csrf} /> <a href="/console/webhooks">All endpoints</a>
      </p>
      <section aria-labelledby="log-h">
        <h2 id="log-h">Delivery log</h2>
        {p.attempts.length === 0 ? (
          <Empty>Nothing sent yet.</Empty>
        ) : (
          <table class="data" id="delivery-log">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col" class="num">
                  Attempt
                </th>
                <th scope="col">Response</th>
                <th scope="col" class="num">
                  ms
                </th>
                <th scope="col">Delivery</th>
                <th scope="col">Next retry</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {p.attempts.map((a) => (
                <AttemptRow attempt={a} endpointId={e.id} csrf={p.csrf} />
              ))}
            </tbody>
          </table>
        )}
        <Pager href={p.more} />
      </section>
    </>
  );
}

function AttemptRow(p: { attempt: DeliveryAttempt; endpointId: number; csrf: string }) {
  const a = p.attempt;
  const d = a.delivery;
  const ok = a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300;
  return (
    <tr data-attempt={a.id} data-event-type={a.eventType ?? ""} data-delivery-status={d?.status ?? ""}>
      <td>
        <Time ms={a.createdAt} />
      </td>
      <td>
        <code>{a.eventType ?? "?"}</code> <span class="hint">{`#${a.eventId}`}</span>
      </td>
      <td class="num">{d ? `${a.attempt}/${d.maxAttempts}` : String(a.attempt)}</td>
      <td class={ok ? "ok" : "bad"}>{a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.error ?? "no response")}</td>
      <td class="num">{a.durationMs}</td>
      <td>{d ? (STATE[d.status] ?? d.status) : "-"}</td>
      <td>{d?.status === "failed" ? <Time ms={d.nextAttemptAt} /> : "-"}</td>
      <td>
        {d && (d.status === "failed" || d.status === "dead") ? (
          <ActionForm
            action={`/console/webhooks/${p.endpointId}/deliveries/${d.jobId}/retry`}
            csrf={p.csrf}
            label="Retry"
            kind="primary"
          />
        ) : null}
      </td>
    </tr>
  );
}
