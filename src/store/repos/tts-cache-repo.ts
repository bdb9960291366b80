import type { Database, Statement } from "better-sqlite3";

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

type Row = Record<string, unknown>;

const toEntry = (r: Row): TtsCacheEntry => ({
  key: r.key as string,
  modelId: r.model_id as string,
  voice: JSON.parse(r.voice as string) as TtsCacheEntry["voice"],
  text: r.text as string,
  path: r.path as string,
  samples: r.samples as number,
  renderMs: r.render_ms as number,
  createdAt: r.created_at as number,
  lastUsedAt: r.last_used_at as number,
  hits: r.hits as number,
});

/** The `tts_cache` table. */
export class TtsCacheRepo {
  private readonly s: Record<"get" | "insert" | "touch" | "remove" | "count", Statement>;

  constructor(db: Database) {
    this.s = {
      get: db.prepare("SELECT * FROM tts_cache WHERE key = ?"),
      insert:
        db.prepare(`INSERT OR REPLACE INTO tts_cache (key, model_id, voice, text, path, samples, render_ms, created_at, last_used_at, hits)
        VALUES (@key, @modelId, @voice, @text, @path, @samples, @renderMs, @now, @now, 0)`),
      touch: db.prepare("UPDATE tts_cache SET hits = hits + 1, last_used_at = ? WHERE key = ?"),
      remove: db.prepare("DELETE FROM tts_cache WHERE key = ?"),
      count: db.prepare("SELECT count(*) AS n, coalesce(sum(samples), 0) AS samples FROM tts_cache"),
    };
  }

  get(key: string): TtsCacheEntry | null {
    const r = this.s.get.get(key) as Row | undefined;
    return r ? toEntry(r) : null;
  }

  insert(e: Omit<TtsCacheEntry, "createdAt" | "lastUsedAt" | "hits">, now: number): void {
    this.s.insert.run({
      key: e.key,
      modelId: e.modelId,
      voice: JSON.stringify(e.voice),
      text: e.text,
      path: e.path,
      samples: e.samples,
      renderMs: e.renderMs,
      now,
    });
  }

  touch(key: string, now: number): void {
    this.s.touch.run(now, key);
  }

  remove(key: string): void {
    this.s.remove.run(key);
  }

  /** Entries and total samples held. */
  size(): { entries: number; samples: number } {
    const r = this.s.count.get() as { n: number; samples: number };
    return { entries: r.n, samples: r.samples };
  }
}
