import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sine } from "../../../src/audio/index.js";
import type { TtsChunk, TtsEngine } from "../../../src/engines/types.js";
import { systemClock } from "../../../src/lib/clock.js";
import { createMetricsRegistry } from "../../../src/lib/metrics.js";
import { PcmLru } from "../../../src/engines/tts/cache/pcm-lru.js";
import { TtsCache, type TtsSource } from "../../../src/engines/tts/cache/index.js";
import { openDatabase } from "../../../src/store/index.js";
import { SqliteSql } from "../../../src/store/sql/index.js";

/** A TTS test double: 100 ms of tone per character at 16 kHz, counting its syntheses. */
function toneEngine(modelId = "tone-tts") {
  const engine = {
    calls: 0,
    sampleRate: 16000,
    info: { kind: "tts" as const, engine: "sherpa-tts-vits" as const, modelId, sampleRate: 16000, loadMs: 0 },
    async *synthesize(text: string): AsyncIterable<TtsChunk> {
      engine.calls++;
      await new Promise((r) => setTimeout(r, 5));
      yield {
        samples: sine(440, { sampleRate: 16000, durationMs: 100 * text.length, amplitude: 0.3 }),
        sampleRate: 16000,
        sentence: 0,
      };
    },
    dispose: async () => undefined,
  };
  return engine;
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "parley-tts-cache-"));
  dirs.push(dir);
  const db = openDatabase(join(dir, "parley.db"));
  const sql = new SqliteSql(db);
  const engine = toneEngine();
  const source: TtsSource = { modelId: () => engine.info.modelId, engine: async () => engine as unknown as TtsEngine };
  const open = () =>
    new TtsCache(sql, join(dir, "tts-cache"), source, systemClock, createMetricsRegistry({ defaults: false }));
  return { dir, db, sql, engine, source, open };
}

const voice = { speakerId: 0, speed: 1 };
const signal = () => AbortSignal.timeout(5000);

describe("TtsCache", () => {
  it("renders a key once: concurrent requests share the synthesis, later ones (and a restarted process) read it back", async () => {
    const s = setup();
    const cache = s.open();
    const [a, b] = await Promise.all([cache.render("Hello", voice, signal()), cache.render("Hello", voice, signal())]);
    expect(s.engine.calls).toBe(1);
    expect([a.hit, b.hit].sort()).toEqual([false, true]);
    expect(a.pcm.length).toBe(4000); // 500 ms at 8 kHz
    expect(Array.from(b.pcm)).toEqual(Array.from(a.pcm));
    const restarted = s.open();
    const c = await restarted.render("  Hello ", voice, signal());
    expect(c).toMatchObject({ hit: true, key: a.key });
    expect(Array.from(c.pcm)).toEqual(Array.from(a.pcm));
    expect(s.engine.calls).toBe(1);
    expect(restarted.stats()).toEqual({ hits: 1, misses: 0, hitRate: 1 });
    s.db.close();
  });

  it("renders again for another voice, and when the file went missing", async () => {
    const s = setup();
    const first = await s.open().render("Hi", voice, signal());
    expect((await s.open().render("Hi", { speakerId: 0, speed: 1.25 }, signal())).hit).toBe(false);
    unlinkSync(fileOf(s.dir, first.key));
    expect((await s.open().render("Hi", voice, signal())).hit).toBe(false);
    expect(s.engine.calls).toBe(3);
    s.db.close();
  });

  it("never plays a cached file cut short or changed: it is rendered again, whole, and written anew", async () => {
    const s = setup();
    const first = await s.open().render("Hello again", voice, signal());
    const file = fileOf(s.dir, first.key);
    const whole = readFileSync(file);
    // Cut short (a crash mid-copy, a full disk): the header still declares every sample.
    truncateSync(file, whole.length - 1000);
    const again = s.open();
    const second = await again.render("Hello again", voice, signal());
    expect(second.hit).toBe(false);
    expect(Array.from(second.pcm)).toEqual(Array.from(first.pcm));
    expect(s.engine.calls).toBe(2);
    expect(readFileSync(fileOf(s.dir, first.key))).toEqual(whole);
    expect(again.stats()).toEqual({ hits: 0, misses: 1, hitRate: 0 });
    // Same length, one sample changed: the digest in the file's name no longer matches.
    const changed = Buffer.from(whole);
    changed[changed.length - 2] = (changed[changed.length - 2]! + 1) & 0xff;
    writeFileSync(fileOf(s.dir, first.key), changed);
    expect((await s.open().render("Hello again", voice, signal())).hit).toBe(false);
    expect(s.engine.calls).toBe(3);
    // Whole again: read back as a hit.
    expect((await s.open().render("Hello again", voice, signal())).hit).toBe(true);
    expect(s.engine.calls).toBe(3);
    s.db.close();
  });

  it("a file without a digest in its name (written before names had one) is checked by its length", async () => {
    const s = setup();
    const first = await s.open().render("Older", voice, signal());
    const file = fileOf(s.dir, first.key);
    const legacy = join(dirname(file), `${first.key}.wav`);
    renameSync(file, legacy);
    s.db
      .prepare("UPDATE tts_cache SET path = ? WHERE key = ?")
      .run(join(first.key.slice(0, 2), `${first.key}.wav`), first.key);
    expect((await s.open().render("Older", voice, signal())).hit).toBe(true);
    truncateSync(legacy, statSync(legacy).size - 2);
    expect((await s.open().render("Older", voice, signal())).hit).toBe(false);
    expect(s.engine.calls).toBe(2);
    s.db.close();
  });

  it("renders with the engine it is given (a call's own), under that engine's model, and counts by use", async () => {
    const s = setup();
    const other = toneEngine("other-tts");
    const registry = createMetricsRegistry({ defaults: false });
    const cache = new TtsCache(s.sql, join(s.dir, "tts-cache"), s.source, systemClock, registry);
    const own = await cache.render("Welcome", voice, signal(), {
      use: "greeting",
      engine: other as unknown as TtsEngine,
    });
    const base = await cache.render("Welcome", voice, signal(), { use: "notify" });
    expect(own.key).not.toBe(base.key);
    expect([other.calls, s.engine.calls]).toEqual([1, 1]);
    await cache.render("Welcome", voice, signal(), { use: "greeting", engine: other as unknown as TtsEngine });
    expect(cache.stats("greeting")).toEqual({ hits: 1, misses: 1, hitRate: 0.5 });
    expect(cache.stats()).toEqual({ hits: 1, misses: 2, hitRate: 1 / 3 });
    const text = await registry.metrics();
    expect(text).toContain('parley_tts_cache_hits_total{use="greeting"} 1');
    expect(text).toContain('parley_tts_cache_misses_total{use="notify"} 1');
    expect(text).toMatch(/^parley_tts_cache_hit_ratio 0\.333/m);
    expect(text).toContain('parley_tts_cache_hit_ratio{use="greeting"} 0.5');
    s.db.close();
  });
});

/** The one file of a render on disk: `<dir>/tts-cache/<ab>/<key>.<digest>.wav`. */
function fileOf(dir: string, key: string): string {
  const sub = join(dir, "tts-cache", key.slice(0, 2));
  const names = readdirSync(sub).filter((f) => f.startsWith(key) && f.endsWith(".wav"));
  expect(names).toHaveLength(1);
  return join(sub, names[0]!);
}

describe("PcmLru", () => {
  it("keeps the most recently used renders within its byte budget", () => {
    const lru = new PcmLru(8 * 600); // eight renders of 300 samples
    for (let i = 0; i < 8; i++) lru.set(`k${i}`, new Int16Array(300));
    lru.get("k0"); // used: now the newest
    lru.set("k8", new Int16Array(300));
    expect(lru.get("k0")).toBeDefined();
    expect(lru.get("k1")).toBeUndefined(); // the least recently used went
    expect(lru.get("k8")).toBeDefined();
    lru.set("huge", new Int16Array(301)); // over an eighth of the budget: not kept, nothing evicted for it
    expect(lru.get("huge")).toBeUndefined();
    expect(lru.get("k2")).toBeDefined();
  });
});
