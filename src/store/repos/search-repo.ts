import type { Database, Statement } from "better-sqlite3";
import { ParleyError } from "../../lib/errors.js";

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

// Each part ranks with BM25 over its own table; transcripts weigh as much as summaries.
const VOICEMAILS = `SELECT 'voicemail' AS kind, v.id AS id, v.received_at AS at, v.caller AS party, v.urgency AS urgency,
    v.status AS state, bm25(voicemails_fts) AS rank, ${snippet("voicemails_fts")} AS snippet
  FROM voicemails_fts JOIN voicemails v ON v.id = voicemails_fts.rowid
  WHERE voicemails_fts MATCH @q`;
const CALLS = `SELECT 'call' AS kind, c.id AS id, c.started_at AS at, c.remote_number AS party, NULL AS urgency,
    c.outcome AS state, bm25(calls_fts) AS rank, ${snippet("calls_fts")} AS snippet
  FROM calls_fts JOIN calls c ON c.id = calls_fts.rowid
  WHERE calls_fts MATCH @q`;

/**
 * Full-text search over voicemails and calls (the FTS5 tables of migration 022, which triggers keep in step with
 * the rows). SQLite only: the repositories have no PostgreSQL path (the queue alone moves to PostgreSQL).
 */
export class SearchRepo {
  private readonly stmts: Record<"voicemail" | "call" | "all", Statement>;

  constructor(db: Database) {
    const page = "ORDER BY rank, at DESC, id DESC LIMIT @limit OFFSET @offset";
    this.stmts = {
      voicemail: db.prepare(`${VOICEMAILS} ${page}`),
      call: db.prepare(`${CALLS} ${page}`),
      all: db.prepare(`SELECT * FROM (${VOICEMAILS} UNION ALL ${CALLS}) ${page}`),
    };
  }

  /** Best matches first; `query` is FTS5 syntax (see `toMatchQuery`). Throws SearchSyntaxError for a query FTS5 rejects. */
  search(query: string, o: { kind?: SearchKind | undefined; limit: number; offset: number }): SearchHit[] {
    try {
      return this.stmts[o.kind ?? "all"].all({ q: query, limit: o.limit, offset: o.offset }) as SearchHit[];
    } catch (err) {
      const message = (err as Error).message;
      // FTS5 reports a query it cannot parse as an SQLITE_ERROR: "fts5: syntax error near ...", "unknown special query", ...
      if (
        (err as { code?: string }).code === "SQLITE_ERROR" &&
        /fts5|syntax|special query|unterminated string/i.test(message)
      )
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
