import type { VoicemailRecord } from "../../../store/repos/voicemails-repo.js";
import { StatusBadge, Time, UrgencyBadge } from "../views/components.js";
import { SOURCE_LABELS } from "./filter.js";

/** Who called, as a person would say it. */
export function callerOf(v: VoicemailRecord): string {
  return v.callerName ?? v.caller ?? "Unknown caller";
}

/**
 * One message in the inbox list: a link (works without script: it selects the
 * message by URL), carrying what scripts need (id, urgency for ordering).
 */
export function VoicemailRow(p: { v: VoicemailRecord; href: string; selected: boolean }) {
  const { v } = p;
  return (
    <li class={`vm-row s-${v.status}`} id={`row-${v.id}`} data-id={v.id} data-urgency={v.urgency ?? 0}>
      <a
        class="vm-link"
        href={p.href}
        aria-current={p.selected ? "true" : undefined}
        aria-controls={`vm-${v.id}`}
        data-select={v.id}
      >
        <span class="vm-line1">
          <UrgencyBadge urgency={v.urgency} />
          <span class="vm-caller">{callerOf(v)}</span>
          <StatusBadge status={v.status} id={v.id} />
        </span>
        <span class="vm-summary">
          {v.summary ??
            (v.status === "queued" || v.status === "processing"
              ? "Transcribing..."
              : v.status === "silent"
                ? "No speech in the recording"
                : "No summary")}
        </span>
        <span class="vm-line3">
          <Time ms={v.receivedAt} />
          {v.mailbox ? <span class="vm-mailbox">mailbox {v.mailbox}</span> : null}
          <span class="vm-source" data-source={v.source}>
            <span class="visually-hidden">from </span>
            {SOURCE_LABELS[v.source]}
          </span>
          {v.tags.length ? <span class="visually-hidden">tags:</span> : null}
          {v.tags.slice(0, 4).map((t) => (
            <span class="tag">{t}</span>
          ))}
        </span>
      </a>
    </li>
  );
}
