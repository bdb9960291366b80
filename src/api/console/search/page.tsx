import type { SearchHit } from "../../../store/repos/search-repo.js";
import { snippetParts } from "../../search/present.js";
import { Empty, statusLabel, Time, UrgencyBadge, Pager } from "../views/components.js";
import { SearchBox } from "./box.js";

export interface SearchProps {
  q: string;
  kind: "voicemail" | "call" | undefined;
  hits: SearchHit[];
  /** Why the query could not run (shown instead of results). */
  error: string | null;
  next: string | null;
}

const KINDS = [
  { value: "", label: "Everything" },
  { value: "voicemail", label: "Voicemails" },
  { value: "call", label: "Calls" },
] as const;

/** Search results, best match first: what matched, in context, and a link to the message or call. */
export function SearchBody(p: SearchProps) {
  return (
    <div class="search">
      <SearchBox q={p.q} kind={p.kind} id="search-page-q" />
      <nav class="search-kinds" aria-label="Look in">
        {KINDS.map((k) => (
          <a
            href={`/console/search?${new URLSearchParams({ q: p.q, ...(k.value ? { kind: k.value } : {}) })}`}
            aria-current={(p.kind ?? "") === k.value ? "page" : undefined}
          >
            {k.label}
          </a>
        ))}
      </nav>
      {p.error ? (
        <p class="notice error" role="alert">
          {p.error}
        </p>
      ) : p.q === "" ? (
        <Empty>Type words from a transcript or a summary.</Empty>
      ) : p.hits.length === 0 ? (
        <Empty>Nothing matches “{p.q}”.</Empty>
      ) : (
        <ol class="search-hits" aria-label="Results, best match first">
          {p.hits.map((h) => (
            <Hit h={h} />
          ))}
        </ol>
      )}
      <Pager href={p.next}>More results</Pager>
    </div>
  );
}

function Hit({ h }: { h: SearchHit }) {
  const href = h.kind === "voicemail" ? `/console/voicemails/${h.id}` : `/console/calls/${h.id}`;
  return (
    <li class="search-hit" data-kind={h.kind} data-id={h.id}>
      <p class="hit-head">
        <a href={href}>{h.kind === "voicemail" ? `Voicemail #${h.id}` : `Call #${h.id}`}</a>{" "}
        <span class="hit-party">{h.party ?? "unknown caller"}</span> <Time ms={h.at} />{" "}
        {h.kind === "voicemail" ? <UrgencyBadge urgency={h.urgency} /> : null}{" "}
        {h.state ? <span class="hit-state">{h.kind === "voicemail" ? statusLabel(h.state) : h.state}</span> : null}
      </p>
      <p class="hit-snippet">
        {snippetParts(h.snippet).map((part) => (part.match ? <mark>{part.text}</mark> : part.text))}
      </p>
    </li>
  );
}
