import type { VoicemailRecord } from "../../../store/repos/voicemails-repo.js";
import { Time } from "../views/components.js";

/** A routing decision as the voicemail stores it (agent/routing.ts: the rules that matched, their actions). */
interface StoredDecision {
  matched?: string[];
  actions?: ({ rule: string; type: string } & Record<string, unknown>)[];
}

/**
 * Why the message is where it is: each routing rule that matched and what each of its actions did. The status
 * action shows the status it set; a callback, the job and when it is placed (or why not); a webhook, the endpoint
 * its delivery was queued for (deliveries and retries are on the webhooks' delivery log).
 */
export function RoutingExplained({ v }: { v: VoicemailRecord }) {
  const d = v.routing as StoredDecision | null;
  if (!d || !d.matched?.length) {
    return v.routing ? (
      <p class="vm-routing muted" data-routing="none">
        No routing rule matched this message.
      </p>
    ) : null;
  }
  return (
    <section class="vm-routing" aria-label="Routing" data-routing="matched">
      <h3>Routing</h3>
      <p>
        {d.matched.length === 1 ? "Rule " : "Rules "}
        {d.matched.map((name, i) => (
          <>
            {i > 0 ? ", " : ""}
            <strong data-rule={name}>{name}</strong>
          </>
        ))}{" "}
        matched.
      </p>
      <ol class="routing-log">
        {(d.actions ?? []).map((a) => (
          <li data-action={a.type}>
            <ActionDone a={a} v={v} />
          </li>
        ))}
      </ol>
    </section>
  );
}

function ActionDone({ a, v }: { a: { rule: string; type: string } & Record<string, unknown>; v: VoicemailRecord }) {
  const rule = <span class="muted">{` (rule ${a.rule})`}</span>;
  if (a.type === "status")
    return (
      <>
        Set the status to <strong>{String(a.status)}</strong>
        {v.status !== a.status ? ` (now ${v.status})` : ""}
        {rule}
      </>
    );
  if (a.type === "callback") {
    const cb = v.callback;
    if (!cb)
      return (
        <>
          {`Asked for a callback in ${String(a.inMinutes)} min; none is recorded yet`}
          {rule}
        </>
      );
    if (cb.at === null)
      return (
        <>
          {`Asked for a callback; not placed: ${cb.delay ?? "no time allowed"}`}
          {rule}
        </>
      );
    return (
      <>
        {`Queued a callback (job ${cb.jobId}) for `}
        <Time ms={cb.at} />
        {cb.delay ? `, later than asked: ${cb.delay}` : ""}
        {rule}
      </>
    );
  }
  if (a.type === "webhook")
    return (
      <>
        Queued a webhook delivery to endpoint <strong>{String(a.endpoint)}</strong>
        {rule}
      </>
    );
  return (
    <>
      {a.type}
      {rule}
    </>
  );
}
