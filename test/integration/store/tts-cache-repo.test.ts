import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sine } from "../../../src/audio/index.js";
import { TtsCache, type TtsSource } from "../../../src/engines/tts/cache/index.js";
import type { TtsChunk, TtsEngine } from "../../../src/engines/types.js";
import { systemClock } from "../../../src/lib/clock.js";
import { createMetricsRegistry } from "../../../src/lib/metrics.js";
import { TtsCacheRepo } from "../../../src/store/repos/tts-cache-repo.js";
import { createPostgresSql, type SqlStore } from "../../../src/store/sql/index.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * A TTS test double: 100 ms of tone per character at 16 kHz, `wobble` changing its bytes, counting syntheses;
 * `before` holds each synthesis (two nodes made to synthesise at once).
 */
function toneEngine(wobble = 0, before: () => Promise<void> = async () => {}) {
  const engine = {
    calls: 0,
    sampleRate: 16000,
    info: {
      kind: "tts" as const,
      engine: "sherpa-tts-vits" as const,
      modelId: "tone-tts",
      sampleRate: 16000,
      loadMs: 0,
    },
    async *synthesize(text: string): AsyncIterable<TtsChunk> {
      engine.calls++;
      await before();
      yield {
        samples: sine(440 + wobble, { sampleRate: 16000, durationMs: 100 * text.length, amplitude: 0.3 }),
        sampleRate: 16000,
        sentence: 0,
      };
    },
    dispose: async () => undefined,
  };
  return engine;
}

function cacheOn(sql: SqlStore, dir: string, engine: ReturnType<typeof toneEngine>) {
  const source: TtsSource = { modelId: () => engine.info.modelId, engine: async () => engine as unknown as TtsEngine };
  const registry = createMetricsRegistry({ defaults: false });
  return { cache: new TtsCache(sql, join(dir, "tts-cache"), source, systemClock, registry), registry };
}

/** Resolves each caller once `n` have arrived: both nodes are synthesising before either indexes its render. */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  return () => {
    if (++arrived === n) release();
    return all;
  };
}

const voice = { speakerId: 0, speed: 1 };
const signal = () => AbortSignal.timeout(30_000);
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), "parley-tts-index-"));
  dirs.push(d);
  return d;
};
/** Every render file under the cache folder. */
const files = (dir: string) =>
  readdirSync(join(dir, "tts-cache"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".wav"));

describe.each(await storeEngines())("the TTS cache index on $label", ({ skip, open }) => {
  async function store(): Promise<OpenedStore> {
    const s = await open();
    opened.push(s);
    return s;
  }

  it.skipIf(skip)("indexes a key once (the first row stands), counts hits, removes only the row it names", async () => {
    const repo = new TtsCacheRepo((await store()).sql);
    const e = {
      key: "k",
      modelId: "m",
      voice: { speakerId: 2, speed: 1.25 },
      text: "Hi",
      path: "k/1.wav",
      samples: 8000,
      renderMs: 12,
    };
    expect(await repo.insert(e, 1000)).toEqual({ ...e, createdAt: 1000, lastUsedAt: 1000, hits: 0 });
    await repo.touch("k", 2000);
    await repo.touch("k", 3000);
    // A second render of the key (another process) does not replace the row or reset its hits.
    expect(await repo.insert({ ...e, path: "k/2.wav", samples: 8001 }, 4000)).toMatchObject({
      path: "k/1.wav",
      samples: 8000,
      hits: 2,
      lastUsedAt: 3000,
    });
    await repo.insert({ ...e, key: "j", voice: { speakerId: 0, speed: 1, language: "de" } }, 5000);
    expect((await repo.get("j"))?.voice).toEqual({ speakerId: 0, speed: 1, language: "de" });
    expect(await repo.size()).toEqual({ entries: 2, samples: 16_000 });
    await repo.remove("k", "k/2.wav");
    expect(await repo.get("k")).not.toBeNull();
    await repo.remove("k", "k/1.wav");
    expect(await repo.get("k")).toBeNull();
    expect(await repo.size()).toEqual({ entries: 1, samples: 8000 });
  });

  it.skipIf(skip)("renders once and reads back after a restart; /metrics counts the entries", async () => {
    const s = await store();
    const dir = scratch();
    const engine = toneEngine();
    const first = cacheOn(s.sql, dir, engine);
    const a = await first.cache.render("Hello", voice, signal());
    const b = await cacheOn(s.sql, dir, engine).cache.render("Hello", voice, signal());
    expect([a.hit, b.hit, engine.calls]).toEqual([false, true, 1]);
    expect(Array.from(b.pcm)).toEqual(Array.from(a.pcm));
    expect(await first.registry.metrics()).toMatch(/^parley_tts_cache_entries 1$/m);
  });
});

const pgSkip = await postgresUnavailable();

describe.skipIf(pgSkip)(`the TTS cache shared by two nodes${pgSkip ? ` (skipped: ${pgSkip})` : ""}`, () => {
  /** Two stores on one schema, and one cache folder (files.dir on a share). */
  async function twoNodes() {
    const schema = scratchSchema();
    const sqls = [0, 1].map(() => createPostgresSql({ url: testPostgresUrl, schema: schema.schema, poolSize: 4 }));
    for (const sql of sqls) await sql.open();
    opened.push({
      sql: sqls[0]!,
      db: undefined as never,
      close: async () => {
        for (const sql of sqls) await sql.close();
        await schema.drop();
      },
    });
    return { sqls, dir: scratch() };
  }

  it("a phrase rendered on node a is a hit on node b, which synthesises nothing; hits add up in one row", async () => {
    const { sqls, dir } = await twoNodes();
    const [ea, eb] = [toneEngine(), toneEngine()];
    const a = cacheOn(sqls[0]!, dir, ea).cache;
    const b = cacheOn(sqls[1]!, dir, eb).cache;
    const made = await a.render("Thank you for calling", voice, signal());
    const got = await b.render("Thank you for calling", voice, signal());
    expect([made.hit, got.hit, ea.calls, eb.calls]).toEqual([false, true, 1, 0]);
    expect(Array.from(got.pcm)).toEqual(Array.from(made.pcm));
    // A use on a (from its memory) and b's: both nodes' counts land in the one row. Counting is not awaited by a
    // render: wait for it.
    await a.render("Thank you for calling", voice, signal());
    const repo = new TtsCacheRepo(sqls[0]!);
    for (let i = 0; i < 200 && (await repo.get(made.key))?.hits !== 2; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await repo.get(made.key))?.hits).toBe(2);
    expect(await repo.size()).toMatchObject({ entries: 1 });
  });

  it("one phrase rendered on both nodes at once: one row, one file, both play it; bytes that differ leave no stray file", async () => {
    const { sqls, dir } = await twoNodes();
    // Same bytes on both (a deterministic engine): one content-addressed file.
    const both = barrier(2);
    const [ea, eb] = [toneEngine(0, both), toneEngine(0, both)];
    const [x, y] = await Promise.all([
      cacheOn(sqls[0]!, dir, ea).cache.render("Goodbye", voice, signal()),
      cacheOn(sqls[1]!, dir, eb).cache.render("Goodbye", voice, signal()),
    ]);
    expect([ea.calls, eb.calls]).toEqual([1, 1]);
    expect([x.hit, y.hit]).toEqual([false, false]);
    const repo = new TtsCacheRepo(sqls[0]!);
    expect(await repo.size()).toMatchObject({ entries: 1 });
    expect(files(dir)).toEqual([(await repo.get(x.key))!.path]);

    // Other bytes from each node (engines that are not bit-exact): the row that stands names its file, the other goes.
    const again = barrier(2);
    const [ec, ed] = [toneEngine(1, again), toneEngine(2, again)];
    await Promise.all([
      cacheOn(sqls[0]!, dir, ec).cache.render("See you", voice, signal()),
      cacheOn(sqls[1]!, dir, ed).cache.render("See you", voice, signal()),
    ]);
    expect([ec.calls, ed.calls]).toEqual([1, 1]);
    expect(await repo.size()).toMatchObject({ entries: 2 });
    const rows = await sqls[1]!.all<{ path: string }>("SELECT path FROM tts_cache ORDER BY path");
    expect(files(dir).sort()).toEqual(rows.map((r) => r.path).sort());
    // A third node reads the standing render as a hit.
    const ee = toneEngine(3);
    expect((await cacheOn(sqls[1]!, dir, ee).cache.render("See you", voice, signal())).hit).toBe(true);
    expect(ee.calls).toBe(0);
  });
});
