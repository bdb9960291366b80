import { rm } from "node:fs/promises";
import { join } from "node:path";
import { concatFloat32, float32ToInt16, resample } from "../../../audio/index.js";
import type { Clock } from "../../../lib/clock.js";
import type { Registry } from "../../../lib/metrics.js";
import { TtsCacheRepo } from "../../../store/repos/tts-cache-repo.js";
import type { SqlStore } from "../../../store/sql/port.js";
import type { TtsEngine, WorkPriority } from "../../types.js";
import { readRender, writeRender } from "./cache-file.js";
import { CACHE_RATE, cacheKey, normaliseText, type Voice } from "./cache-key.js";
import { CacheMetrics, type CacheUse } from "./cache-metrics.js";
import { PcmLru } from "./pcm-lru.js";
import { ReplyOpenings } from "./reply-openings.js";

/** Where the cache gets its TTS: the model's id is known before the engine has loaded. */
export interface TtsSource {
  modelId(): string | null;
  engine(signal: AbortSignal): Promise<TtsEngine>;
}

/** Decoded renders kept in memory (about 30 minutes of 8 kHz speech). */
const MEMORY_BYTES = 32 * 1024 * 1024;
const TOUCH_EVERY_MS = 60_000;

export interface CacheRender {
  key: string;
  pcm: Int16Array;
  hit: boolean;
}

export interface RenderOptions {
  /** What the render is for: the metrics count hits and misses by it. Default `notify`. */
  use?: CacheUse;
  /**
   * The engine to render with: a call's own (an agent's language may pick its own voice model). The key then
   * names that engine's model. By default, the profile's TTS engine (the source).
   */
  engine?: TtsEngine;
  /** `batch` (default): behind callers' sentences on the same engine; `live`: a caller is waiting for it. */
  priority?: WorkPriority;
}

/**
 * TTS renders, content-addressed, as 8 kHz PCM16 WAV files under
 * `<dataDir>/tts-cache/` with a row each in `tts_cache`: notifications'
 * speech and live calls' fixed phrases (greetings, fillers, fallback lines,
 * mailbox greetings) alike. A key is rendered once: concurrent requests for
 * it share one render, later ones read the file. A row whose file went
 * missing or is damaged (cut short, changed) is rendered again, never played,
 * and counted a miss. With `store.url` the rows are in the shared store and
 * the folder is the shared files.dir's, so a render made on one node is a hit
 * on all; two nodes rendering one key at the same moment both synthesise it
 * (each counts its miss), and the first row stands (see `synthesize`).
 */
export class TtsCache {
  private readonly repo: TtsCacheRepo;
  private readonly inflight = new Map<string, Promise<Int16Array>>();
  /** Recently used renders, decoded: a campaign's static pieces, every call's greeting. */
  private readonly memory = new PcmLru(MEMORY_BYTES);
  private readonly touched = new Map<string, number>();
  private readonly metrics: CacheMetrics;
  /** Replies' first clauses, as calls played them: in memory only (ReplyOpenings). */
  readonly openings: ReplyOpenings;

  constructor(
    sql: SqlStore,
    private readonly dir: string,
    private readonly source: TtsSource,
    private readonly clock: Clock,
    registry: Registry,
    /** Memory for reply openings (engines.tts.openingsMb); 0 keeps none. */
    openingsBytes = 0,
  ) {
    this.openings = new ReplyOpenings(registry, openingsBytes);
    this.repo = new TtsCacheRepo(sql);
    const repo = this.repo;
    this.metrics = new CacheMetrics(registry, async () => (await repo.size()).entries);
  }

  /** Hits and misses since start: all uses, or one. */
  stats(use?: CacheUse): { hits: number; misses: number; hitRate: number } {
    return this.metrics.stats(use);
  }

  /** The key `text` in `voice` has with the model configured now (or `engine`'s). */
  keyFor(text: string, voice: Voice, engine?: TtsEngine): string {
    const model = engine ? engine.info.modelId : this.source.modelId();
    if (!model) throw new Error("no TTS model is configured");
    return cacheKey(text, voice, model);
  }

  /** The speech for `text` in `voice` as 8 kHz PCM16: from the cache, or rendered once and stored. */
  async render(text: string, voice: Voice, signal: AbortSignal, o: RenderOptions = {}): Promise<CacheRender> {
    const use = o.use ?? "notify";
    const key = this.keyFor(text, voice, o.engine);
    const held = this.memory.get(key);
    if (held) {
      this.metrics.count(use, true);
      this.touch(key);
      return { key, pcm: held, hit: true };
    }
    const entry = await this.repo.get(key);
    if (entry) {
      const pcm = await readRender(this.dir, entry.path, entry.samples).catch(() => null);
      if (pcm) {
        this.memory.set(key, pcm);
        this.touch(key);
        this.metrics.count(use, true);
        return { key, pcm, hit: true };
      }
      // The file is gone, cut short or changed: it goes (a new render may carry another digest), and is made again.
      await this.repo.remove(key, entry.path);
      await rm(join(this.dir, entry.path), { force: true }).catch(() => undefined);
    }
    const pending = this.inflight.get(key);
    if (pending) {
      // Someone is rendering it right now: sharing that render is not a second synthesis.
      this.metrics.count(use, true);
      return { key, pcm: await pending, hit: true };
    }
    this.metrics.count(use, false);
    const work = this.synthesize(key, text, voice, signal, o).finally(() => this.inflight.delete(key));
    this.inflight.set(key, work);
    return { key, pcm: await work, hit: false };
  }

  /**
   * A reply opening (its first clause) that `engine` said before in `voice`, as 8 kHz PCM16, or undefined: the
   * caller then hears it at once instead of after its synthesis (ReplyOpenings).
   */
  recallOpening(text: string, voice: Voice, engine: TtsEngine): Int16Array | undefined {
    return this.openings.recall(text, voice, engine.info.modelId);
  }

  /** Keeps a reply opening synthesised live for the next reply that opens with the same words (memory only). */
  keepOpening(text: string, voice: Voice, engine: TtsEngine, pcm: Int16Array): void {
    this.openings.keep(text, voice, engine.info.modelId, pcm);
  }

  /** Whether openings are kept at all, and this one is short enough. */
  keepsOpening(text: string): boolean {
    return this.openings.keeps(text);
  }

  /**
   * Records use (hits, last_used_at) at most once a minute per key: a campaign's shared pieces are hit thousands of
   * times. Not awaited: a hit is not made to wait for the store (a shared one is a network round trip away), and a
   * count that fails to be written (the store closing) costs only statistics.
   */
  private touch(key: string): void {
    const now = this.clock.now();
    if (now - (this.touched.get(key) ?? -Infinity) < TOUCH_EVERY_MS) return;
    this.touched.set(key, now);
    if (this.touched.size > 10_000) this.touched.clear();
    this.repo.touch(key, now).catch(() => undefined);
  }

  private async synthesize(
    key: string,
    text: string,
    voice: Voice,
    signal: AbortSignal,
    o: RenderOptions,
  ): Promise<Int16Array> {
    const started = performance.now();
    const engine = o.engine ?? (await this.source.engine(signal));
    const chunks: Float32Array[] = [];
    let rate = engine.sampleRate;
    // Renders ahead of use are batch work: a caller's sentence on the same engine goes first.
    for await (const chunk of engine.synthesize(normaliseText(text), {
      signal,
      speakerId: voice.speakerId,
      speed: voice.speed,
      ...(voice.language ? { language: voice.language } : {}),
      priority: o.priority ?? "batch",
    })) {
      chunks.push(chunk.samples);
      rate = chunk.sampleRate;
    }
    const pcm = float32ToInt16(resample(concatFloat32(chunks), rate, CACHE_RATE));
    // The row is written after the file is whole: a crash leaves no row for half a render.
    const path = await writeRender(this.dir, key, pcm);
    this.memory.set(key, pcm);
    const standing = await this.repo.insert(
      {
        key,
        modelId: engine.info.modelId,
        voice: {
          speakerId: voice.speakerId,
          speed: voice.speed,
          ...(voice.language ? { language: voice.language } : {}),
        },
        text: normaliseText(text),
        path,
        samples: pcm.length,
        renderMs: Math.round(performance.now() - started),
      },
      this.clock.now(),
    );
    // Another process indexed this key first with a file of other bytes (same speech, another digest): its row
    // stands, and our file, which no row names, goes. Same bytes are the same file, which stays.
    if (standing.path !== path) await rm(join(this.dir, path), { force: true }).catch(() => undefined);
    return pcm;
  }
}
