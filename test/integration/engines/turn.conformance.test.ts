import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resample } from "../../../src/audio/index.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { ModelRef } from "../../../src/engines/model-ref.js";
import type { TurnDetector } from "../../../src/engines/types.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { catalogEntry, generatedModel, testConfig } from "../../helpers/models.js";
import { fixturesDir } from "../../helpers/paths.js";
import { fliteMissing } from "../../helpers/speech.js";
import { spokenTurn } from "../../helpers/turn-speech.js";

/**
 * One conformance suite for every turn model: Smart Turn v3.2 where its
 * weights are at hand, and the doubles in its slot always. Each reads the
 * last 8 s of 16 kHz audio (or resamples), answers P(complete) with its
 * verdict, hears a finished sentence as finished and one cut off mid-phrase
 * as not, gives the same answer for the same audio, takes telephone audio,
 * refuses bad audio clearly and stops when aborted.
 */
const REAL = join(fixturesDir, "turn", "smart-turn-v3.2-cpu.onnx");
const realEntry = catalogEntry("smart-turn-v3.2-cpu");
const realMissing = ((): string | false => {
  if (!existsSync(REAL))
    return `Smart Turn v3.2 weights are not here (they cannot be downloaded on this machine): put smart-turn-v3.2-cpu.onnx (from \`parley models pull smart-turn-v3.2-cpu\` on a connected machine) at ${REAL} to run this suite on them`;
  const sha = createHash("sha256").update(readFileSync(REAL)).digest("hex");
  return sha === realEntry.files?.[0]?.sha256 ? false : `${REAL} is not Smart Turn v3.2 CPU (sha256 ${sha})`;
})();

const models: { id: string; ref: () => Promise<ModelRef>; skip: string | false }[] = [
  { id: "tiny-turn", ref: () => generatedModel("tiny-turn"), skip: false },
  { id: "load-smart-turn-v3.2", ref: () => generatedModel("load-smart-turn-v3.2"), skip: false },
  { id: "smart-turn-v3.2-cpu", ref: async () => ({ model: realEntry, dir: dirname(REAL) }), skip: realMissing },
];

const SENTENCE = "I would like to book a table for two tomorrow evening.";
const signal = () => AbortSignal.timeout(60_000);

for (const m of models) {
  // A skipped model says why in its suite's name, which the reporter prints.
  describe.skipIf(m.skip)(`turn conformance: ${m.id}${m.skip ? ` (skipped: ${m.skip})` : ""}`, () => {
    let turn: TurnDetector;
    beforeAll(async () => {
      turn = await createEngine("turn", await m.ref(), testConfig({ engines: { turn: { workers: 1 } } }));
    });
    afterAll(async () => turn?.dispose());

    it("reports its model, rate, window and threshold", () => {
      expect(turn.info).toMatchObject({ kind: "turn", engine: "smart-turn", modelId: m.id, sampleRate: 16000 });
      expect(turn.sampleRate).toBe(16000);
      expect(turn.windowMs).toBe(8000);
      expect(turn.threshold).toBe(0.5);
      expect(turn.liveQueueDelayMs).toBeGreaterThanOrEqual(0);
    });

    it.skipIf(fliteMissing)("hears a finished sentence as finished, and one cut off mid-phrase as not", async () => {
      const whole = await turn.predict(
        { samples: spokenTurn(SENTENCE, { silenceMs: 400 }), sampleRate: 16000 },
        { signal: signal() },
      );
      const cut = await turn.predict(
        { samples: spokenTurn(SENTENCE, { cutAfterWords: 4, silenceMs: 400 }), sampleRate: 16000 },
        { signal: signal() },
      );
      expect(whole.complete, `P(complete) ${whole.probability}`).toBe(true);
      expect(cut.complete, `P(complete) ${cut.probability}`).toBe(false);
      for (const p of [whole, cut]) {
        expect(p.probability).toBeGreaterThanOrEqual(0);
        expect(p.probability).toBeLessThanOrEqual(1);
        expect(p.complete).toBe(p.probability > turn.threshold);
        expect(p.modelMs).toBeGreaterThan(0);
        expect(p.ms).toBeGreaterThanOrEqual(p.modelMs);
      }
    });

    it.skipIf(fliteMissing)("gives the same answer for the same audio, and at 8 kHz the same verdict", async () => {
      const audio = spokenTurn(SENTENCE, { silenceMs: 400 });
      const [a, b] = await Promise.all([
        turn.predict({ samples: audio, sampleRate: 16000 }, { signal: signal() }),
        turn.predict({ samples: audio, sampleRate: 16000 }, { signal: signal() }),
      ]);
      expect(a!.probability).toBe(b!.probability);
      const phone = await turn.predict(
        { samples: resample(audio, 16000, 8000), sampleRate: 8000 },
        { signal: signal() },
      );
      expect(phone.complete).toBe(a!.complete);
      const cut = spokenTurn(SENTENCE, { cutAfterWords: 4, silenceMs: 400 });
      expect(
        (await turn.predict({ samples: resample(cut, 16000, 8000), sampleRate: 8000 }, { signal: signal() })).complete,
      ).toBe(false);
    });

    it.skipIf(fliteMissing)("reads only the last 8 s", async () => {
      const speech = spokenTurn(SENTENCE, { silenceMs: 400 });
      const window = new Float32Array(8 * 16000);
      window.set(speech, window.length - speech.length);
      const longer = new Float32Array(3 * 16000 + window.length);
      for (let i = 0; i < 3 * 16000; i++) longer[i] = 0.4 * Math.sin(i / 7); // 3 s of loud tone before the window
      longer.set(window, 3 * 16000);
      const [alone, withMore] = await Promise.all([
        turn.predict({ samples: window, sampleRate: 16000 }, { signal: signal() }),
        turn.predict({ samples: longer, sampleRate: 16000 }, { signal: signal() }),
      ]);
      expect(withMore.probability).toBe(alone.probability);
    });

    it("refuses bad audio with a clear error, and keeps working", async () => {
      const nan = new Float32Array(16000);
      nan[123] = Number.NaN;
      await expect(turn.predict({ samples: nan, sampleRate: 16000 }, { signal: signal() })).rejects.toThrow(
        /sample 123 is NaN/,
      );
      const err = await turn
        .predict({ samples: new Float32Array(160), sampleRate: 0 }, { signal: signal() })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ParleyError);
      expect((err as ParleyError).code).toBe("audio_invalid");
      const empty = await turn.predict({ samples: new Float32Array(0), sampleRate: 16000 }, { signal: signal() });
      expect(empty.probability).toBeGreaterThanOrEqual(0);
    });

    it("stops when aborted, before or during a prediction, and answers the next one", async () => {
      const audio = new Float32Array(16000 * 4).map((_, i) => 0.3 * Math.sin(i / 5));
      await expect(
        turn.predict({ samples: audio, sampleRate: 16000 }, { signal: AbortSignal.abort() }),
      ).rejects.toMatchObject({ name: "AbortError" });
      const controller = new AbortController();
      const pending = turn.predict({ samples: audio, sampleRate: 16000 }, { signal: controller.signal });
      controller.abort();
      await expect(pending).rejects.toMatchObject({ name: "AbortError" });
      const next = await turn.predict({ samples: audio, sampleRate: 16000 }, { signal: signal() });
      expect(next.probability).toBeGreaterThanOrEqual(0);
    });
  });
}
