import {
  voicemailSources,
  voicemailStatuses,
  type VoicemailRecord,
  type VoicemailSource,
  type VoicemailStatus,
} from "../../../store/repos/voicemails-repo.js";

/** How the console names each source. */
export const SOURCE_LABELS: Record<VoicemailSource, string> = {
  api: "API",
  "sip-mailbox": "SIP mailbox",
  smtp: "SMTP",
  folder: "Folder",
  call: "Live call",
};

/** What still needs someone: the inbox's default view. */
export const OPEN_STATUSES: VoicemailStatus[] = ["queued", "processing", "processed", "escalated", "failed"];

export type InboxView = "open" | "all" | VoicemailStatus;

export interface InboxFilter {
  view: InboxView;
  /** At least this urgency. */
  urgency?: number;
  tag?: string;
  mailbox?: string;
  source?: VoicemailSource;
}

/** The filter from a query string; anything malformed is dropped rather than refused (it is a page, not an API). */
export function parseFilter(q: Record<string, string | undefined>): InboxFilter {
  const view =
    q.status &&
    (q.status === "open" || q.status === "all" || (voicemailStatuses as readonly string[]).includes(q.status))
      ? (q.status as InboxView)
      : "open";
  const f: InboxFilter = { view };
  const urgency = Number(q.urgency);
  if (Number.isInteger(urgency) && urgency >= 1 && urgency <= 5) f.urgency = urgency;
  const tag = q.tag?.trim().toLowerCase();
  if (tag && tag.length <= 64) f.tag = tag;
  const mailbox = q.mailbox?.trim();
  if (mailbox && mailbox.length <= 128) f.mailbox = mailbox;
  if (q.source && (voicemailSources as readonly string[]).includes(q.source)) f.source = q.source as VoicemailSource;
  return f;
}

export function statusesOf(f: InboxFilter): VoicemailStatus[] | undefined {
  if (f.view === "all") return undefined;
  return f.view === "open" ? OPEN_STATUSES : [f.view];
}

/** Whether a message belongs in a filtered list (live updates decide where a new message goes). */
export function matches(v: VoicemailRecord, f: InboxFilter): boolean {
  const statuses = statusesOf(f);
  if (statuses && !statuses.includes(v.status)) return false;
  if (f.urgency !== undefined && (v.urgency ?? 0) < f.urgency) return false;
  if (f.tag !== undefined && !v.tags.includes(f.tag)) return false;
  if (f.mailbox !== undefined && v.mailbox !== f.mailbox) return false;
  if (f.source !== undefined && v.source !== f.source) return false;
  return true;
}

/** The inbox URL of a filter (plus a selected message or a page cursor). */
export function inboxHref(f: InboxFilter, extra: { selected?: number; cursor?: string } = {}): string {
  const q = new URLSearchParams();
  if (f.view !== "open") q.set("status", f.view);
  if (f.urgency !== undefined) q.set("urgency", String(f.urgency));
  if (f.tag) q.set("tag", f.tag);
  if (f.mailbox) q.set("mailbox", f.mailbox);
  if (f.source) q.set("source", f.source);
  if (extra.cursor) q.set("cursor", extra.cursor);
  if (extra.selected !== undefined) q.set("selected", String(extra.selected));
  const s = q.toString();
  return `/console/inbox${s ? `?${s}` : ""}`;
}
