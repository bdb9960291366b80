import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Speaker } from "../../../src/agent/conversation/speaker.js";
import type { CallAudio, PlaybackHandle } from "../../../src/agent/conversation/types.js";
import { concatInt16, type Frame } from "../../../src/audio/index.js";
import { createEngine } from "../../../src/engines/factory.js";
import { OPENING_MAX_CHARS } from "../../../src/engines/tts/cache/reply-openings.js";
import { TtsCache } from "../../../src/engines/tts/cache/tts-cache.js";
import type { SynthesizeOptions, TtsEngine } from "../../../src/engines/types.js";
import { systemClock } from "../../../src/lib/clock.js";
import { createMetricsRegistry } from "../../../src/lib/metrics.js";
import { openDatabase } from "../../../src/store/index.js";
import { SqliteSql } from "../../../src/store/sql/index.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * Replies' openings from memory (engines.tts.openingsMb): the Speaker with the
 * tiny TTS engine and a TTS cache on a real SQLite file. What a call would
 * play is captured whole, so a recalled opening can be compared sample for
 * sample with the live render it replaces.
 */

/** A call's media that takes the agent's audio at once and keeps every sample it was given. */
class CapturedAudio implements CallAudio {
  readonly frames: AsyncIterable<Frame> = (async function* () {})();
  readonly playing = false;
  readonly items: Promise<Int16Array>[] = [];

  play(source: Int16Array | AsyncIterable<Int16Array>): PlaybackHandle {
    const parts: Int16Array[] = [];
    const all = (async () => {
      for await (const pcm of source instanceof Int16Array ? [source] : source) parts.push(pcm);
      return concatInt16(parts);
    })();
    this.items.push(all);
    const done = all.then(
      (pcm) => ({ completed: true, playedSamples: pcm.length, queuedSamples: pcm.length }),
      () => ({ completed: false, playedSamples: 0, queuedSamples: 0 }),
    );
    return { playedSamples: 0, done, started: Promise.resolve(performance.now()) };
  }

  clearPlayback(): number {
    return 0;
  }
}

/** The tiny TTS engine, counting the syntheses asked of it. */
function counted(engine: TtsEngine): TtsEngine & { renders: number } {
  const wrapped = Object.create(engine) as TtsEngine & { renders: number };
  wrapped.renders = 0;
  wrapped.synthesize = (text: string, o: SynthesizeOptions) => {
    wrapped.renders++;
    return engine.synthesize(text, o);
  };
  return wrapped;
}

const OPENING = "Thanks for calling.";
const voice = { speakerId: 0, speed: 1 };

describe("replies' openings from memory: the Speaker with the tiny TTS and a real TTS cache", () => {
  let tiny: TtsEngine;
  const dirs: string[] = [];
  beforeAll(async () => {
    tiny = await createEngine("tts", await generatedModel("tiny-tts"), testConfig());
  });
  afterAll(async () => tiny?.dispose());
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  function setup(openingsBytes = 1024 * 1024) {
    const dir = mkdtempSync(join(tmpdir(), "parley-openings-"));
    dirs.push(dir);
    const sql = new SqliteSql(openDatabase(join(dir, "parley.db")));
    const tts = counted(tiny);
    const registry = createMetricsRegistry({ defaults: false });
    const cache = new TtsCache(
      sql,
      join(dir, "tts-cache"),
      { modelId: () => tts.info.modelId, engine: async () => tts },
      systemClock,
      registry,
      openingsBytes,
    );
    const audio = new CapturedAudio();
    const speaker = (v: { speakerId: number; speed: number; language?: string } = voice) =>
      new Speaker(tts, audio, v, cache);
    return { dir, sql, tts, cache, audio, speaker, registry };
  }

  it("synthesises an opening the first time and plays the same samples from memory the next, without synthesis", async () => {
    const s = setup();
    const first = s.speaker().say(OPENING, AbortSignal.timeout(10_000), { opening: true });
    expect(await first.ttsError).toBeUndefined();
    expect(first.recalled).toBeUndefined();
    expect(s.tts.renders).toBe(1);
    // Another call of the same agent (its own Speaker) opens its reply with the same words.
    const second = s.speaker().say(OPENING, AbortSignal.timeout(10_000), { opening: true });
    expect(await second.ttsError).toBeUndefined();
    expect(second.recalled).toBe(true);
    expect(s.tts.renders).toBe(1);
    expect(await second.firstAudio).not.toBeNull();
    const [live, recalled] = await Promise.all(s.audio.items);
    expect(live!.length).toBeGreaterThan(800); // 100 ms or more of 8 kHz speech
    expect(recalled).toEqual(live);
    expect(s.cache.openings.stats()).toEqual({ recalled: 1, synthesised: 1 });
    const metrics = await s.registry.metrics();
    expect(metrics).toContain('parley_reply_openings_total{outcome="recalled"} 1');
    expect(metrics).toContain('parley_reply_openings_total{outcome="synthesised"} 1');
    // Not the TTS cache's own hits and misses: those count what is rendered to disk.
    expect(s.cache.stats()).toEqual({ hits: 0, misses: 0, hitRate: 0 });
  });

  it("keeps openings in memory only: no file and no row in the TTS cache's index", async () => {
    const s = setup();
    await s.speaker().say(OPENING, AbortSignal.timeout(10_000), { opening: true }).ttsError;
    const again = s.speaker().say(OPENING, AbortSignal.timeout(10_000), { opening: true });
    expect(again.recalled).toBe(true);
    await again.ttsError;
    expect(await s.sql.all("SELECT key FROM tts_cache")).toEqual([]);
    let files: string[] = [];
    try {
      files = readdirSync(join(s.dir, "tts-cache"), { recursive: true }) as string[];
    } catch {
      // no folder at all: nothing was written
    }
    expect(files).toEqual([]);
  });

  it("recalls only the same words in the same voice and language", async () => {
    const s = setup();
    await s.speaker().say(OPENING, AbortSignal.timeout(10_000), { opening: true }).ttsError;
    const misses = [
      s.speaker().say("Thanks for calling us.", AbortSignal.timeout(10_000), { opening: true }),
      s.speaker({ speakerId: 0, speed: 1.2 }).say(OPENING, AbortSignal.timeout(10_000), { opening: true }),
      s.speaker({ ...voice, language: "en-US" }).say(OPENING, AbortSignal.timeout(10_000), { opening: true }),
    ];
    expect(misses.map((u) => u.recalled)).toEqual([undefined, undefined, undefined]);
    await Promise.all(misses.map((u) => u.ttsError));
    // Whitespace does not change what is said (the cache's own key rule).
    const spaced = s.speaker().say(` Thanks  for calling. `, AbortSignal.timeout(10_000), { opening: true });
    expect(spaced.recalled).toBe(true);
    await spaced.ttsError;
  });

  it("keeps no render that was cut off, no later sentence, nothing too long, and nothing when turned off", async () => {
    const s = setup();
    const cut = new AbortController();
    const aborted = s.speaker().say(OPENING, cut.signal, { opening: true });
    cut.abort();
    await aborted.ttsError;
    /** Says `text` twice, one after the other; whether the second was recalled. */
    const twice = async (speaker: Speaker, text: string, first: { opening?: boolean }) => {
      await speaker.say(text, AbortSignal.timeout(10_000), first).ttsError;
      const again = speaker.say(text, AbortSignal.timeout(10_000), { opening: true });
      await again.ttsError;
      return again.recalled === true;
    };
    // The cut render was not kept: the next one is synthesised (then kept).
    const afterCut = s.speaker().say(OPENING, AbortSignal.timeout(10_000), { opening: true });
    expect(afterCut.recalled).toBeUndefined();
    await afterCut.ttsError;
    expect(await twice(s.speaker(), "The rest of the reply.", {})).toBe(false);
    const long = `${"Certainly, ".repeat(6)}yes.`;
    expect(long.length).toBeGreaterThan(OPENING_MAX_CHARS);
    expect(await twice(s.speaker(), long, { opening: true })).toBe(false);
    const off = setup(0);
    expect(await twice(off.speaker(), OPENING, { opening: true })).toBe(false);
    expect(off.cache.openings.stats()).toEqual({ recalled: 0, synthesised: 0 });
    // The control: the same helper sees a recall where one is made.
    expect(await twice(s.speaker(), "Of course.", { opening: true })).toBe(true);
  });
});
