import type { VoicemailRecord } from "../../../store/repos/voicemails-repo.js";
import { ActionForm, Facts, formatDuration, StatusBadge, Time, UrgencyBadge } from "../views/components.js";
import { callerOf } from "./row.js";
import { SOURCE_LABELS } from "./filter.js";
import { RoutingExplained } from "./routing.js";

const ACTIONS = [
  { status: "handled", label: "Mark handled", hint: "h", kind: "primary" },
  { status: "archived", label: "Archive", hint: "a", kind: "secondary" },
  { status: "escalated", label: "Escalate", hint: "e", kind: "secondary" },
  { status: "processed", label: "Reopen", hint: "u", kind: "secondary" },
] as const;

/** Everything about one message: triage, transcript, the recording, and what an operator can do with it. */
export function VoicemailDetail(p: { v: VoicemailRecord; selected: boolean; csrf: string; back: string }) {
  const { v } = p;
  const busy = v.status === "queued" || v.status === "processing";
  const form = v.form as { values?: Record<string, unknown>; missing?: string[] } | null;
  return (
    <article class="vm-detail" id={`vm-${v.id}`} data-id={v.id} hidden={!p.selected} aria-labelledby={`vm-${v.id}-h`}>
      <header class="vm-head">
        <h2 id={`vm-${v.id}-h`}>{callerOf(v)}</h2>
        <UrgencyBadge urgency={v.urgency} />
        <StatusBadge status={v.status} id={v.id} />
      </header>
      {v.summary ? <p class="vm-summary-full">{v.summary}</p> : null}
      {v.urgencyReason ? <p class="vm-reason">Why this urgency: {v.urgencyReason}</p> : null}
      {v.tags.length ? (
        <ul class="tags" aria-label="Tags">
          {v.tags.map((t) => (
            <li class="tag">{t}</li>
          ))}
        </ul>
      ) : null}
      <div class="player">
        <audio
          controls
          preload="none"
          src={`/console/voicemails/${v.id}/audio`}
          aria-label={`Recording from ${callerOf(v)}`}
          data-audio={v.id}
        ></audio>
        <a href={`/console/voicemails/${v.id}/audio`} download={`voicemail-${v.id}.wav`}>
          Download
        </a>
      </div>
      <div class="actions" role="group" aria-label="Actions">
        {ACTIONS.filter((a) => a.status !== v.status).map((a) => (
          <ActionForm
            action={`/console/voicemails/${v.id}/status`}
            csrf={p.csrf}
            fields={{ status: a.status, next: p.back }}
            label={a.label}
            hint={a.hint}
            kind={a.kind}
            disabled={busy}
          />
        ))}
        {v.status === "failed" ? (
          <ActionForm
            action={`/console/voicemails/${v.id}/retry`}
            csrf={p.csrf}
            fields={{ next: p.back }}
            label="Retry"
            kind="primary"
          />
        ) : null}
      </div>
      <RoutingExplained v={v} />
      <Facts
        items={[
          ["Caller", v.caller],
          ["Name given", v.callerName],
          ["Call back on", v.callbackNumber],
          [
            "Callback",
            v.callback ? (
              v.callback.at === null ? (
                `not placed: ${v.callback.delay ?? "no time allowed"}`
              ) : v.callback.delay ? (
                <>
                  delayed to <Time ms={v.callback.at} />: {v.callback.delay}
                </>
              ) : (
                <>
                  queued for <Time ms={v.callback.at} />
                </>
              )
            ) : null,
          ],
          [
            "Callback status",
            v.callback ? <a href={`/console/callbacks?voicemail=${v.id}`}>see the callback</a> : null,
          ],
          ["Mailbox", v.mailbox],
          ["Source", SOURCE_LABELS[v.source]],
          ["Agent", v.agent],
          ["Received", <Time ms={v.receivedAt} />],
          ["Length", formatDuration(v.durationMs)],
          ["Category", v.category],
          ["Sentiment", v.sentiment],
          ["Suggested action", v.action],
          ["Error", v.error],
        ]}
      />
      {form?.values ? (
        <section aria-label="Form answers">
          <h3>Form answers</h3>
          <Facts
            items={Object.entries(form.values).map(([k, val]) => [k, val === null ? "(not given)" : String(val)])}
          />
        </section>
      ) : null}
      <h3>Transcript</h3>
      <p class="transcript">{v.transcript ?? (busy ? "Not transcribed yet." : "No transcript.")}</p>
    </article>
  );
}
