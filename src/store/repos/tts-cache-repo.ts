import type { SqlStore } from "../sql/port.js";

/** A `tts_cache` row: where one rendered piece of speech lives. */
export interface TtsCacheEntry {
  key: string;
  modelId: string;
  voice: { speakerId: number; speed: number; language?: string };
  text: string;
  path: string;
  samples: number;
  renderMs: number;
  createdAt: number;
  lastUsedAt: number;
  hits: number;
}

interface Row {
  key: string;
  model_id: string;
  voice: string;
  text: string;
  path: string;
  samples: number;
  render_ms: number;
  created_at: number;
  last_used_at: number;
  hits: number;
}

const toEntry = (r: Row): TtsCacheEntry => ({
  key: r.key,
  modelId: r.model_id,
  voice: JSON.parse(r.voice) as TtsCacheEntry["voice"],
  text: r.text,
  path: r.path,
  samples: r.samples,
  renderMs: r.render_ms,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  hits: r.hits,
});

/**
 * The `tts_cache` table, the index of the rendered speech under the cache folder, on the SQL port: with `store.url`
 * the nodes share it as they share the folder (files.dir), so a phrase rendered on one node is a hit on every other.
 */
export class TtsCacheRepo {
  constructor(private readonly sql: SqlStore) {}

  async get(key: string): Promise<TtsCacheEntry | null> {
    const r = await this.sql.get<Row>("SELECT * FROM tts_cache WHERE key = ?", [key]);
    return r ? toEntry(r) : null;
  }

  /**
   * Indexes a render, unless the key has a row already: two nodes (or a server and a worker) that rendered one phrase
   * at the same moment both try, and the first row stands, with its hits. Returns the row that stands, so the loser
   * can drop a file of its own that no row names.
   */
  async insert(e: Omit<TtsCacheEntry, "createdAt" | "lastUsedAt" | "hits">, now: number): Promise<TtsCacheEntry> {
    await this.sql.run(
      `INSERT INTO tts_cache (key, model_id, voice, text, path, samples, render_ms, created_at, last_used_at, hits)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (key) DO NOTHING`,
      [e.key, e.modelId, JSON.stringify(e.voice), e.text, e.path, e.samples, e.renderMs, now, now],
    );
    return (await this.get(e.key)) as TtsCacheEntry;
  }

  /** Counts a use: one statement, so hits counted on several nodes at once all add up. */
  async touch(key: string, now: number): Promise<void> {
    await this.sql.run("UPDATE tts_cache SET hits = hits + 1, last_used_at = ? WHERE key = ?", [now, key]);
  }

  /**
   * Removes the row of a render found damaged at `path`; a row another node wrote since for the same key (a new
   * render, another file) stays.
   */
  async remove(key: string, path: string): Promise<void> {
    await this.sql.run("DELETE FROM tts_cache WHERE key = ? AND path = ?", [key, path]);
  }

  /** Entries and total samples held. */
  async size(): Promise<{ entries: number; samples: number }> {
    const r = await this.sql.get<{ n: number | string; samples: number | string }>(
      "SELECT count(*) AS n, coalesce(sum(samples), 0) AS samples FROM tts_cache",
    );
    // PostgreSQL's count and sum are BIGINT/NUMERIC: the adapter returns BIGINT as a number, NUMERIC as text.
    return { entries: Number(r?.n ?? 0), samples: Number(r?.samples ?? 0) };
  }
}
