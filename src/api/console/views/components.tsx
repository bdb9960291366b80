import type { Child } from "hono/jsx";

/** Small pieces every console page uses. */

const URGENCY: Record<number, string> = { 5: "Urgent", 4: "High", 3: "Medium", 2: "Low", 1: "Minimal" };

/** Urgency as words and a number, with colour only as a second cue. */
export function UrgencyBadge(p: { urgency: number | null }) {
  if (p.urgency === null) return <span class="badge u0">Untriaged</span>;
  return (
    <span class={`badge u${p.urgency}`} title={`Urgency ${p.urgency} of 5`}>
      {p.urgency >= 4 ? <span aria-hidden="true">{p.urgency === 5 ? "!! " : "! "}</span> : null}
      {URGENCY[p.urgency] ?? "Urgency"} <span class="num">{p.urgency}/5</span>
    </span>
  );
}

const STATUS: Record<string, string> = {
  queued: "Queued",
  processing: "Processing",
  processed: "New",
  silent: "Silent",
  failed: "Failed",
  escalated: "Escalated",
  handled: "Handled",
  archived: "Archived",
};

export function statusLabel(status: string): string {
  return STATUS[status] ?? status;
}

export function StatusBadge(p: { status: string; id?: number }) {
  return (
    <span class={`status s-${p.status}`} data-status-of={p.id}>
      {statusLabel(p.status)}
    </span>
  );
}

/** A time as UTC text; console.js rewrites it in the browser's own time zone. */
export function Time(p: { ms: number | null }) {
  if (p.ms === null) return <span>-</span>;
  const iso = new Date(p.ms).toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 16).replace("T", " ")} UTC`}</time>;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "-";
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** A form that POSTs one action with the session's CSRF token. */
export function ActionForm(p: {
  action: string;
  csrf: string;
  fields?: Record<string, string>;
  label: string;
  hint?: string;
  disabled?: boolean;
  kind?: string;
  children?: Child;
}) {
  return (
    <form method="post" action={p.action} class="inline">
      <input type="hidden" name="_csrf" value={p.csrf} />
      {Object.entries(p.fields ?? {}).map(([k, v]) => (
        <input type="hidden" name={k} value={v} />
      ))}
      <button type="submit" class={p.kind ?? "secondary"} disabled={p.disabled}>
        {p.label}
        {p.hint ? <kbd aria-hidden="true">{p.hint}</kbd> : null}
      </button>
    </form>
  );
}

/** Key/value pairs, skipping empty values. */
export function Facts(p: { items: [string, Child | null | undefined][] }) {
  const shown = p.items.filter(([, v]) => v !== null && v !== undefined && v !== "");
  return (
    <dl class="facts">
      {shown.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

export function Empty(p: { children?: Child }) {
  return <p class="empty">{p.children}</p>;
}

/** The link to a list's next page, or nothing on its last page. */
export function Pager(p: { href: string | null | undefined; children?: Child }) {
  if (!p.href) return null;
  return (
    <a class="pager" href={p.href}>
      {p.children ?? "More"}
    </a>
  );
}
