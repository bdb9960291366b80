import { ParleyError } from "../../lib/errors.js";
import type { SqlStore, SqlValue } from "../sql/port.js";
import { toTsQuery } from "./search-tsquery.js";

/** What a search looks in: voicemails (transcript, summary) or calls (the turns' words, the summary). */
export type SearchKind = "voicemail" | "call";

/** One hit: the record it points to, its rank (BM25, lower is better) and a snippet with the match marked. */
export interface SearchHit {
  kind: SearchKind;
  id: number;
  /** When the message was received or the call started (ms). */
  at: number;
  /** The caller (voicemail) or the number at the other end (call). */
  party: string | null;
  /** Voicemail urgency (1-5), or null. */
  urgency: number | null;
  /** Voicemail status or call outcome. */
  state: string | null;
  rank: number;
  /** The text around the match; each matched term sits between MATCH_START and MATCH_END. */
  snippet: string;
}

/** Markers around a matched term in `snippet`: control characters, which transcripts do not contain. */
export const MATCH_START = "\u0002";
export const MATCH_END = "\u0003";

/** The FTS5 query could not be parsed (an unclosed quote or bracket, a lone operator): the caller's 400. */
export class SearchSyntaxError extends ParleyError {
  constructor(query: string, cause: unknown) {
    super(
      "invalid_query",
      `the search "${query}" cannot be read: ${(cause as Error).message.replace(/^fts5: /, "").replace(/ near ""$/, " at the end")}; close quotes and brackets, and put AND, OR and NOT between words`,
      { status: 400, cause },
    );
    this.name = "SearchSyntaxError";
  }
}

const SNIPPET_TOKENS = 14;
const snippet = (table: string) => `snippet(${table}, -1, '${MATCH_START}', '${MATCH_END}', '…', ${SNIPPET_TOKENS})`;
const PAGE = "ORDER BY rank, at DESC, id DESC LIMIT ? OFFSET ?";

// SQLite: each part ranks with BM25 over its own FTS5 table (migration 022); transcripts weigh as much as summaries.
const SQLITE = {
  voicemail: `SELECT 'voicemail' AS kind, v.id AS id, v.received_at AS at, v.caller AS party, v.urgency AS urgency,
    v.status AS state, bm25(voicemails_fts) AS rank, ${snippet("voicemails_fts")} AS snippet
  FROM voicemails_fts JOIN voicemails v ON v.id = voicemails_fts.rowid
  WHERE voicemails_fts MATCH ?`,
  call: `SELECT 'call' AS kind, c.id AS id, c.started_at AS at, c.remote_number AS party, NULL AS urgency,
    c.outcome AS state, bm25(calls_fts) AS rank, ${snippet("calls_fts")} AS snippet
  FROM calls_fts JOIN calls c ON c.id = calls_fts.rowid
  WHERE calls_fts MATCH ?`,
};

// ts_headline's parser takes "<in flat 9>" for a tag and "&amp;" for an entity, and leaves them out of the snippet:
// the text goes in with those characters swapped for private-use ones, which come back as they were (`shown`).
const HIDDEN: [string, string][] = [
  ["<", "\uE000"],
  [">", "\uE001"],
  ["&", "\uE002"],
];
const hidden = (text: string) => `translate(${text}, '<>&', U&'\\E000\\E001\\E002')`;
const shown = (snippet: string) => HIDDEN.reduce((s, [c, h]) => s.replaceAll(h, c), snippet);

// PostgreSQL: the tsvector columns of migration 004 (GIN-indexed), ranked by cover density (ts_rank_cd, negated so
// that lower is better, as BM25's rank is); the snippet is ts_headline's over the same text. Each part takes the
// tsquery and the headline options.
const POSTGRES = {
  voicemail: `SELECT 'voicemail' AS kind, v.id AS id, v.received_at AS at, v.caller AS party, v.urgency AS urgency,
    v.status AS state, -ts_rank_cd(v.search, q.query)::float8 AS rank,
    ts_headline('parley_search', ${hidden("concat_ws(' ', v.transcript, v.summary)")}, q.query, q.options) AS snippet
  FROM voicemails v, (SELECT to_tsquery('parley_search', ?) AS query, ?::text AS options) q
  WHERE v.search @@ q.query`,
  call: `SELECT 'call' AS kind, c.id AS id, c.started_at AS at, c.remote_number AS party, NULL::integer AS urgency,
    c.outcome AS state, -ts_rank_cd(c.search, q.query)::float8 AS rank,
    ts_headline('parley_search', ${hidden(`concat_ws(' ',
      (SELECT string_agg(t.text, ' ' ORDER BY t.idx) FROM call_turns t WHERE t.call_id = c.id),
      CASE WHEN jsonb_typeof(c.summary::jsonb) = 'object' THEN c.summary::jsonb ->> 'summary' END)`)}, q.query, q.options) AS snippet
  FROM calls c, (SELECT to_tsquery('parley_search', ?) AS query, ?::text AS options) q
  WHERE c.search @@ q.query`,
};
const HEADLINE = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=${SNIPPET_TOKENS}, MinWords=5, MaxFragments=1, FragmentDelimiter=" … "`;

/**
 * Full-text search over voicemails and calls. SQLite: the FTS5 tables of migration 022, which triggers keep in step
 * with the rows. PostgreSQL (`store.url`): the tsvector columns of its migration 004, kept in step by a generated
 * column and triggers, so a search on any node finds every node's messages and calls. Both stem English words
 * and keep stop words (porter; PostgreSQL's parley_search configuration) and take the same query syntax (`toMatchQuery`); ranks are comparable within
 * one engine only, and the snippets are cut differently (FTS5 marks the best window of 14 tokens with … at the
 * ends; ts_headline picks a fragment of up to 14 words).
 */
export class SearchRepo {
  constructor(private readonly sql: SqlStore) {}

  /** Best matches first; `query` is FTS5 syntax (see `toMatchQuery`). Throws SearchSyntaxError for a query FTS5 rejects. */
  async search(
    query: string,
    o: { kind?: SearchKind | undefined; limit: number; offset: number },
  ): Promise<SearchHit[]> {
    const kind = o.kind ?? "all";
    if (this.sql.dialect === "postgres") {
      let tsquery: string;
      try {
        tsquery = toTsQuery(query);
      } catch (err) {
        throw new SearchSyntaxError(query, err);
      }
      const part: SqlValue[] = [tsquery, HEADLINE];
      const hits = await this.run(query, kind, POSTGRES, kind === "all" ? [...part, ...part] : part, o);
      return hits.map((h) => ({ ...h, snippet: shown(h.snippet) }));
    }
    return this.run(query, kind, SQLITE, kind === "all" ? [query, query] : [query], o);
  }

  private async run(
    query: string,
    kind: SearchKind | "all",
    parts: Record<SearchKind, string>,
    params: SqlValue[],
    o: { limit: number; offset: number },
  ): Promise<SearchHit[]> {
    const select = kind === "all" ? `SELECT * FROM (${parts.voicemail} UNION ALL ${parts.call}) hits` : parts[kind];
    try {
      return await this.sql.all<SearchHit>(`${select} ${PAGE}`, [...params, o.limit, o.offset]);
    } catch (err) {
      const message = (err as Error).message;
      // FTS5 reports a query it cannot parse as an SQLITE_ERROR: "fts5: syntax error near ...", "unknown special query", ...
      if (
        (err as { code?: string }).code === "SQLITE_ERROR" &&
        /fts5|syntax|special query|unterminated string/i.test(message)
      )
        throw new SearchSyntaxError(query, err);
      // PostgreSQL: "syntax error in tsquery" (42601), for whatever toTsQuery let through.
      if ((err as { code?: string }).code === "42601" && /tsquery/i.test(message))
        throw new SearchSyntaxError(query, err);
      throw err;
    }
  }
}

/**
 * A search box's text as an FTS5 query. Words, "quoted phrases", prefix* and AND / OR / NOT (upper case) keep
 * their FTS5 meaning; every other punctuation becomes a space, as the tokenizer treats it in the text anyway
 * ("can't" finds "can't", "e-mail" finds "e-mail"), so column filters and NEAR() are not available. What is left
 * can still be malformed (an unclosed quote, a bracket, a lone operator): FTS5 rejects it and the caller says so.
 */
export function toMatchQuery(text: string): string {
  return text
    .normalize("NFC")
    .replace(/[^\p{L}\p{N}\p{M}\s"*()_]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}
