import { mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sine } from "../../../src/audio/index.js";
import type { TtsChunk, TtsEngine } from "../../../src/engines/types.js";
import { systemClock } from "../../../src/lib/clock.js";
import { createMetricsRegistry } from "../../../src/lib/metrics.js";
import { PcmLru } from "../../../src/notify/pcm-lru.js";
import { TtsCache, type TtsSource } from "../../../src/notify/tts-cache.js";
import { openDatabase } from "../../../src/store/index.js";

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
  const engine = toneEngine();
  const source: TtsSource = { modelId: () => engine.info.modelId, engine: async () => engine as unknown as TtsEngine };
  const open = () =>
    new TtsCache(db, join(dir, "tts-cache"), source, systemClock, createMetricsRegistry({ defaults: false }));
  return { dir, db, engine, open };
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
    unlinkSync(join(s.dir, "tts-cache", first.key.slice(0, 2), `${first.key}.wav`));
    expect((await s.open().render("Hi", voice, signal())).hit).toBe(false);
    expect(s.engine.calls).toBe(3);
    s.db.close();
  });
});

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
