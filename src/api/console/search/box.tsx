/** The search form that the dashboard, the inbox and the calls page carry: it opens the results page. */
export function SearchBox(p: { q?: string; kind?: "voicemail" | "call" | undefined; id?: string }) {
  const id = p.id ?? "search-q";
  return (
    <form class="search-box" method="get" action="/console/search" role="search" aria-label="Search transcripts">
      <label for={id}>Search transcripts and summaries</label>
      <input id={id} type="search" name="q" value={p.q ?? ""} placeholder='words, "a phrase", refund*' />
      {p.kind ? <input type="hidden" name="kind" value={p.kind} /> : null}
      <button type="submit" class="secondary">
        Search
      </button>
    </form>
  );
}
