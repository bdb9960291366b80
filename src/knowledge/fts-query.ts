/**
 * A caller's question as an FTS5 query. Only words go in, each quoted, so
 * nothing a caller says is read as FTS5 syntax (a stray quote, AND, NEAR,
 * a column filter); they are OR-ed, so BM25 ranks chunks by how many of the
 * rarer words they share. Function words are left out: they match almost
 * every chunk and add time, not ranking. The words still go through the
 * index's tokenizer (Porter stemming), so "opening" finds "open".
 */
const STOP_WORDS = new Set(
  (
    "a about an and any are as at be been but by can could did do does for from had has have how i if in into is it its " +
    "me my no not of on or our so than that the their them then there these they this to too us was we were what when " +
    "where which who whom why will with would you your yours just also some such should shall may might must very"
  ).split(" "),
);

/** At most this many words: a long rambling question must not make a slow query. */
const MAX_TERMS = 24;

/** The words of a question that the full-text search looks for. */
export function queryTerms(question: string): string[] {
  const words =
    question
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
  const terms: string[] = [];
  for (const raw of words) {
    const word = raw.replace(/['’].*$/, "");
    if (word.length === 0 || STOP_WORDS.has(word) || terms.includes(word)) continue;
    terms.push(word);
    if (terms.length === MAX_TERMS) break;
  }
  return terms;
}

/** The FTS5 MATCH expression, or null when the question has no searchable word. */
export function ftsQuery(question: string): string | null {
  const terms = queryTerms(question);
  return terms.length === 0 ? null : terms.map((t) => `"${t}"`).join(" OR ");
}
