import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { Database } from "better-sqlite3";
import { Counter, Gauge, type Registry } from "prom-client";
import { concatFloat32, encodeWav, float32ToInt16, readWavHeader, resample } from "../audio/index.js";
import type { TtsEngine } from "../engines/types.js";
import type { Clock } from "../lib/clock.js";
import { TtsCacheRepo } from "../store/repos/tts-cache-repo.js";
import { writeFileAtomic } from "../store/temp-files.js";
import { PcmLru } from "./pcm-lru.js";

/** The voice settings a render depends on (an agent's `voice`). */
export interface Voice {
  speakerId: number;
  speed: number;
}

/** Where the cache gets its TTS: the model's id is known before the engine has loaded. */
export interface TtsSource {
  modelId(): string | null;
  engine(signal: AbortSignal): Promise<TtsEngine>;
}

/** Everything telephone audio needs: 8 kHz PCM16, as RTP plays it. */
export const CACHE_RATE = 8000;
/** Decoded renders kept in memory (about 30 minutes of 8 kHz speech). */
const MEMORY_BYTES = 32 * 1024 * 1024;
const TOUCH_EVERY_MS = 60_000;
/** Bumped when the way audio is made changes (resampler, format), so old renders are never served for new ones. */
const RENDER_VERSION = 1;

/**
 * The content address of a render: the text (whitespace collapsed, which
 * does not change what is said), the voice, the model and the output format.
 * Anything that changes the audio changes the key, so a hit is never stale.
 */
export function cacheKey(text: string, voice: Voice, modelId: string): string {
  const identity = {
    v: RENDER_VERSION,
    model: modelId,
    speakerId: voice.speakerId,
    speed: voice.speed,
    rate: CACHE_RATE,
    text: normaliseText(text),
  };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}

export function normaliseText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

export interface CacheRender {
  key: string;
  pcm: Int16Array;
  hit: boolean;
}

/**
 * TTS renders, content-addressed, as 8 kHz PCM16 WAV files under
 * `<dataDir>/tts-cache/` with a row each in `tts_cache`. A key is rendered
 * once: concurrent requests for it share one render, later ones read the
 * file. A row whose file went missing is rendered again (and counted a miss).
 */
export class TtsCache {
  private readonly repo: TtsCacheRepo;
  private readonly inflight = new Map<string, Promise<Int16Array>>();
  /** Recently used renders, decoded: the static pieces every recipient of a campaign shares. */
  private readonly memory = new PcmLru(MEMORY_BYTES);
  private readonly touched = new Map<string, number>();
  private readonly hits: Counter;
  private readonly misses: Counter;
  private counts = { hits: 0, misses: 0 };

  constructor(
    db: Database,
    private readonly dir: string,
    private readonly source: TtsSource,
    private readonly clock: Clock,
    registry: Registry,
  ) {
    this.repo = new TtsCacheRepo(db);
    this.hits = new Counter({
      name: "parley_tts_cache_hits_total",
      help: "TTS renders served from the cache",
      registers: [registry],
    });
    this.misses = new Counter({
      name: "parley_tts_cache_misses_total",
      help: "TTS renders synthesised because the cache did not hold them",
      registers: [registry],
    });
    const counts = () => this.counts;
    new Gauge({
      name: "parley_tts_cache_hit_ratio",
      help: "Share of TTS renders served from the cache since start (0..1)",
      registers: [registry],
      collect() {
        const { hits, misses } = counts();
        this.set(hits + misses === 0 ? 0 : hits / (hits + misses));
      },
    });
    const repo = this.repo;
    new Gauge({
      name: "parley_tts_cache_entries",
      help: "Renders held in the TTS cache",
      registers: [registry],
      collect() {
        this.set(repo.size().entries);
      },
    });
  }

  /** Hits and misses since start. */
  stats(): { hits: number; misses: number; hitRate: number } {
    const { hits, misses } = this.counts;
    return { hits, misses, hitRate: hits + misses === 0 ? 0 : hits / (hits + misses) };
  }

  /** The key `text` in `voice` has with the model configured now. */
  keyFor(text: string, voice: Voice): string {
    const model = this.source.modelId();
    if (!model) throw new Error("no TTS model is configured");
    return cacheKey(text, voice, model);
  }

  /** The speech for `text` in `voice` as 8 kHz PCM16: from the cache, or rendered once and stored. */
  async render(text: string, voice: Voice, signal: AbortSignal): Promise<CacheRender> {
    const key = this.keyFor(text, voice);
    const held = this.memory.get(key);
    if (held) {
      this.count(true);
      this.touch(key);
      return { key, pcm: held, hit: true };
    }
    const entry = this.repo.get(key);
    if (entry) {
      const pcm = await this.read(entry.path).catch(() => null);
      if (pcm) {
        this.memory.set(key, pcm);
        this.touch(key);
        this.count(true);
        return { key, pcm, hit: true };
      }
      this.repo.remove(key); // the file is gone or damaged: render it again
    }
    const pending = this.inflight.get(key);
    if (pending) {
      // Someone is rendering it right now: sharing that render is not a second synthesis.
      this.count(true);
      return { key, pcm: await pending, hit: true };
    }
    this.count(false);
    const work = this.synthesize(key, text, voice, signal).finally(() => this.inflight.delete(key));
    this.inflight.set(key, work);
    return { key, pcm: await work, hit: false };
  }

  /** Records use (hits, last_used_at) at most once a minute per key: a campaign's shared pieces are hit thousands of times. */
  private touch(key: string): void {
    const now = this.clock.now();
    if (now - (this.touched.get(key) ?? -Infinity) < TOUCH_EVERY_MS) return;
    this.touched.set(key, now);
    if (this.touched.size > 10_000) this.touched.clear();
    this.repo.touch(key, now);
  }

  private count(hit: boolean): void {
    if (hit) {
      this.counts.hits++;
      this.hits.inc();
    } else {
      this.counts.misses++;
      this.misses.inc();
    }
  }

  private async synthesize(key: string, text: string, voice: Voice, signal: AbortSignal): Promise<Int16Array> {
    const started = performance.now();
    const engine = await this.source.engine(signal);
    const chunks: Float32Array[] = [];
    let rate = engine.sampleRate;
    // Renders are batch work: a caller's sentence on the same engine goes first.
    for await (const chunk of engine.synthesize(normaliseText(text), {
      signal,
      speakerId: voice.speakerId,
      speed: voice.speed,
      priority: "batch",
    })) {
      chunks.push(chunk.samples);
      rate = chunk.sampleRate;
    }
    const pcm = float32ToInt16(resample(concatFloat32(chunks), rate, CACHE_RATE));
    const path = join(key.slice(0, 2), `${key}.wav`);
    const file = join(this.dir, path);
    await mkdir(dirname(file), { recursive: true });
    // Written aside and renamed: a reader never sees half a file, and a crash leaves no row for one.
    await writeFileAtomic(file, encodeWav({ channels: [pcm], sampleRate: CACHE_RATE }));
    const modelId = engine.info.modelId;
    this.memory.set(key, pcm);
    this.repo.insert(
      {
        key,
        modelId,
        voice: { speakerId: voice.speakerId, speed: voice.speed },
        text: normaliseText(text),
        path,
        samples: pcm.length,
        renderMs: Math.round(performance.now() - started),
      },
      this.clock.now(),
    );
    return pcm;
  }

  private async read(path: string): Promise<Int16Array> {
    const bytes = await readFile(join(this.dir, path));
    const header = readWavHeader(bytes);
    if (header.encoding !== "pcm_s16" || header.sampleRate !== CACHE_RATE || header.channels !== 1)
      throw new Error("not an 8 kHz mono PCM16 render");
    const data = bytes.subarray(header.dataOffset);
    const pcm = new Int16Array(data.length >> 1);
    for (let i = 0; i < pcm.length; i++) pcm[i] = data.readInt16LE(i * 2);
    return pcm;
  }
}
