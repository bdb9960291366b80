import type { VoicemailRecord } from "../../../store/repos/voicemails-repo.js";
import { voicemailSources, voicemailStatuses } from "../../../store/repos/voicemails-repo.js";
import { Empty, statusLabel, Pager } from "../views/components.js";
import { VoicemailDetail } from "./detail.js";
import { inboxHref, SOURCE_LABELS, type InboxFilter } from "./filter.js";
import { VoicemailRow } from "./row.js";
import { SearchBox } from "../search/box.js";

export interface InboxProps {
  filter: InboxFilter;
  items: VoicemailRecord[];
  selected: number | null;
  nextCursor: string | null;
  csrf: string;
  tags: string[];
  mailboxes: string[];
}

export const SHORTCUTS: [string, string][] = [
  ["j / k", "next / previous message"],
  ["h", "mark handled"],
  ["a", "archive"],
  ["e", "escalate"],
  ["u", "reopen"],
  ["p", "play or pause the recording"],
  ["/", "filter"],
  ["?", "this help"],
];

/** The structured voicemail queue: urgent first, a list beside the selected message. */
export function InboxBody(p: InboxProps) {
  const back = inboxHref(p.filter, p.selected !== null ? { selected: p.selected } : {});
  return (
    <div class="inbox" data-filter={inboxHref(p.filter)}>
      <SearchBox kind="voicemail" id="inbox-q" />
      <Filters {...p} />
      <div class="panes">
        <section class="list-pane" aria-labelledby="list-h">
          <h2 id="list-h" class="visually-hidden">
            Messages, most urgent first
          </h2>
          {p.items.length === 0 ? <Empty>No voicemails here. New ones appear as they arrive.</Empty> : null}
          <ol id="vm-list" class="vm-list">
            {p.items.map((v) => (
              <VoicemailRow v={v} href={inboxHref(p.filter, { selected: v.id })} selected={v.id === p.selected} />
            ))}
          </ol>
          <Pager href={p.nextCursor ? inboxHref(p.filter, { cursor: p.nextCursor }) : null}>Older messages</Pager>
        </section>
        <section class="detail-pane" aria-label="Selected voicemail" id="detail-pane">
          {p.items.length > 0 && p.selected === null ? (
            <p class="empty" id="no-selection">
              Select a message (or press j).
            </p>
          ) : null}
          {p.items.map((v) => (
            <VoicemailDetail v={v} selected={v.id === p.selected} csrf={p.csrf} back={back} />
          ))}
        </section>
      </div>
      <p class="hint">
        Press <kbd>?</kbd> for keyboard shortcuts.
      </p>
      <dialog id="help" aria-labelledby="help-h">
        <h2 id="help-h">Keyboard shortcuts</h2>
        <dl class="shortcuts">
          {SHORTCUTS.map(([k, what]) => (
            <>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{what}</dd>
            </>
          ))}
        </dl>
        <form method="dialog">
          <button class="secondary">Close</button>
        </form>
      </dialog>
    </div>
  );
}

function Filters(p: InboxProps) {
  const f = p.filter;
  return (
    <form class="filters" method="get" action="/console/inbox" role="search" aria-label="Filter voicemails">
      <div>
        <label for="f-status">Status</label>
        <select id="f-status" name="status">
          <option value="open" selected={f.view === "open"}>
            Open (needs someone)
          </option>
          <option value="all" selected={f.view === "all"}>
            All
          </option>
          {voicemailStatuses.map((s) => (
            <option value={s} selected={f.view === s}>
              {statusLabel(s)}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-urgency">Urgency</label>
        <select id="f-urgency" name="urgency">
          <option value="" selected={f.urgency === undefined}>
            Any
          </option>
          {[5, 4, 3, 2].map((u) => (
            <option value={String(u)} selected={f.urgency === u}>{`${u} or more`}</option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-tag">Tag</label>
        <input id="f-tag" name="tag" value={f.tag ?? ""} list="known-tags" size={12} />
        <datalist id="known-tags">
          {p.tags.map((t) => (
            <option value={t} />
          ))}
        </datalist>
      </div>
      <div>
        <label for="f-mailbox">Mailbox</label>
        <input id="f-mailbox" name="mailbox" value={f.mailbox ?? ""} list="known-mailboxes" size={10} />
        <datalist id="known-mailboxes">
          {p.mailboxes.map((m) => (
            <option value={m} />
          ))}
        </datalist>
      </div>
      <div>
        <label for="f-source">Source</label>
        <select id="f-source" name="source">
          <option value="" selected={f.source === undefined}>
            Any
          </option>
          {voicemailSources.map((s) => (
            <option value={s} selected={f.source === s}>
              {SOURCE_LABELS[s]}
            </option>
          ))}
        </select>
      </div>
      <div class="filter-buttons">
        <button type="submit" class="secondary">
          Filter
        </button>
        <a href="/console/inbox">Clear</a>
      </div>
    </form>
  );
}
