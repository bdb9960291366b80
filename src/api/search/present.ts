import { MATCH_END, MATCH_START, type SearchHit } from "../../store/repos/search-repo.js";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/** The snippet as plain text (markers dropped). */
export function plainSnippet(snippet: string): string {
  return snippet.replaceAll(MATCH_START, "").replaceAll(MATCH_END, "");
}

/** The snippet as safe HTML: the text escaped, each matched term in `<mark>`. */
export function highlightHtml(snippet: string): string {
  return escapeHtml(snippet).replaceAll(MATCH_START, "<mark>").replaceAll(MATCH_END, "</mark>");
}

/** The snippet cut at the markers: the pieces in order, the matched ones flagged (for views that render nodes). */
export function snippetParts(snippet: string): { text: string; match: boolean }[] {
  const parts: { text: string; match: boolean }[] = [];
  for (const piece of snippet.split(MATCH_START)) {
    const end = piece.indexOf(MATCH_END);
    if (end < 0) {
      if (piece) parts.push({ text: piece, match: false });
      continue;
    }
    parts.push({ text: piece.slice(0, end), match: true });
    const rest = piece.slice(end + MATCH_END.length);
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}

/** One hit as /v1/search shows it: where it points, the plain snippet, and the snippet with the match in <mark>. */
export function presentHit(h: SearchHit) {
  return {
    kind: h.kind,
    id: h.id,
    url: h.kind === "voicemail" ? `/v1/voicemails/${h.id}` : `/v1/calls/${h.id}`,
    at: new Date(h.at).toISOString(),
    caller: h.party,
    urgency: h.urgency,
    /** The voicemail's status, or the call's outcome. */
    status: h.state,
    /** BM25 (lower is a better match); comparable within one response. */
    rank: h.rank,
    snippet: plainSnippet(h.snippet),
    highlight: highlightHtml(h.snippet),
  };
}
