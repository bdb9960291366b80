import { Counter, Gauge, type Registry } from "prom-client";

/**
 * What a render was for: `notify` (notification and campaign speech), the
 * phrases of a live call (`greeting`, `filler`, `fallback`, `phrase`: the
 * take-message prompt, goodbyes, survey prompts), a SIP `mailbox` greeting,
 * and `warmup` (the renders made at start so the first caller pays none).
 */
export type CacheUse = "notify" | "greeting" | "filler" | "fallback" | "phrase" | "mailbox" | "warmup";

/** Hits and misses, in total and by use, for /metrics and `stats()`. */
export class CacheMetrics {
  private readonly hits: Counter<"use">;
  private readonly misses: Counter<"use">;
  private readonly counts = new Map<CacheUse, { hits: number; misses: number }>();

  constructor(registry: Registry, entries: () => Promise<number>) {
    this.hits = new Counter({
      name: "parley_tts_cache_hits_total",
      help: "TTS renders served from the cache, by use",
      labelNames: ["use"],
      registers: [registry],
    });
    this.misses = new Counter({
      name: "parley_tts_cache_misses_total",
      help: "TTS renders synthesised because the cache did not hold them, by use",
      labelNames: ["use"],
      registers: [registry],
    });
    const self = this;
    new Gauge({
      name: "parley_tts_cache_hit_ratio",
      help: "Share of TTS renders served from the cache since start (0..1): all uses, and each use (label use)",
      labelNames: ["use"],
      registers: [registry],
      collect() {
        this.set(ratio(self.stats()));
        for (const [use, c] of self.counts) this.set({ use }, ratio(c));
      },
    });
    new Gauge({
      name: "parley_tts_cache_entries",
      help: "Renders held in the TTS cache",
      registers: [registry],
      async collect() {
        this.set(await entries());
      },
    });
  }

  count(use: CacheUse, hit: boolean): void {
    const c = this.counts.get(use) ?? { hits: 0, misses: 0 };
    this.counts.set(use, c);
    if (hit) {
      c.hits++;
      this.hits.inc({ use });
    } else {
      c.misses++;
      this.misses.inc({ use });
    }
  }

  /** Since start: all uses, or one. */
  stats(use?: CacheUse): { hits: number; misses: number; hitRate: number } {
    const all = use ? [this.counts.get(use) ?? { hits: 0, misses: 0 }] : [...this.counts.values()];
    const hits = all.reduce((n, c) => n + c.hits, 0);
    const misses = all.reduce((n, c) => n + c.misses, 0);
    return { hits, misses, hitRate: ratio({ hits, misses }) };
  }
}

const ratio = (c: { hits: number; misses: number }) => (c.hits + c.misses === 0 ? 0 : c.hits / (c.hits + c.misses));
