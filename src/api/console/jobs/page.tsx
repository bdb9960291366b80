import type { Job, JobCount } from "../../../jobs/index.js";
import { ActionForm, Empty, Time, Pager } from "../views/components.js";

const SHOWN = ["queued", "running", "failed", "dead", "succeeded", "cancelled"] as const;

/** Queue depth per kind: what is waiting, running, retrying and dead. */
export function QueueTable(p: { counts: JobCount[] }) {
  const kinds = [...new Set(p.counts.map((c) => c.kind))].sort();
  const n = (kind: string, status: string) => p.counts.find((c) => c.kind === kind && c.status === status)?.count ?? 0;
  if (kinds.length === 0) return <Empty>The queue is empty.</Empty>;
  return (
    <table class="data">
      <caption>Jobs per kind and status</caption>
      <thead>
        <tr>
          <th scope="col">Kind</th>
          {SHOWN.map((s) => (
            <th scope="col" class="num">
              {s}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {kinds.map((k) => (
          <tr>
            <th scope="row">
              <a href={`/console/jobs?kind=${encodeURIComponent(k)}`}>{k}</a>
            </th>
            {SHOWN.map((s) => (
              <td class={`num${(s === "dead" || s === "failed") && n(k, s) > 0 ? " bad" : ""}`}>{n(k, s)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One list of jobs (dead, or failed and waiting to retry), each with its last error and a retry button. */
export function JobList(p: {
  title: string;
  id: string;
  jobs: Job[];
  csrf: string;
  back: string;
  more: string | null;
}) {
  return (
    <section aria-labelledby={p.id}>
      <h2 id={p.id}>{p.title}</h2>
      {p.jobs.length === 0 ? (
        <Empty>None.</Empty>
      ) : (
        <table class="data jobs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Kind</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Last error</th>
              <th scope="col">Updated</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.jobs.map((j) => (
              <tr data-job={j.id}>
                <td>{`#${j.id}`}</td>
                <td>{j.kind}</td>
                <td class="num">{`${j.attempts}/${j.maxAttempts}`}</td>
                <td>
                  {j.lastError ? (
                    <span>
                      {j.lastError.code ? <code>{j.lastError.code}</code> : null} {j.lastError.message}
                    </span>
                  ) : (
                    "-"
                  )}
                  <details>
                    <summary>Payload</summary>
                    <pre>{JSON.stringify(j.payload, null, 2).slice(0, 4000)}</pre>
                  </details>
                </td>
                <td>
                  <Time ms={j.updatedAt} />
                </td>
                <td>
                  <ActionForm
                    action={`/console/jobs/${j.id}/retry`}
                    csrf={p.csrf}
                    fields={{ next: p.back }}
                    label="Retry"
                    kind="primary"
                  />
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
