import type { ParleyConfig } from "../../config/index.js";
import { earlyPauseMsFor } from "../../agent/turn-taking/settings.js";
import { withPauseMadeLonger } from "../../agent/turn-taking/turn-audio.js";
import { createEngine } from "../../engines/factory.js";
import type { TurnDetector, VadEngine } from "../../engines/types.js";
import { TURN_CORPUS, CORPUS_VERSION } from "./corpus.js";
import { decideTurn, type TurnSetting, type Verdict } from "./decide.js";
import { pausesOf } from "./timeline.js";
import { turnBenchModels } from "./turn-models.js";
import { loadTurnCorpus, type TurnUtterance } from "./utterances.js";
import { summarizeSetting, type SettingFigures, type UtteranceOutcome } from "./turns-report.js";
import { machineFacts, percentile, round } from "../stats.js";

export interface TurnsBenchOptions {
  config: ParleyConfig;
  cwd: string;
  /** Silences after which the turn model is asked (one row each per endpoint setting). */
  askAfterMs: number[];
  /** Silence deadlines; each also gives a VAD-only row. The first is the baseline (the agents' default, 600). */
  endpointSilenceMs: number[];
  /** P(complete) above which the model's verdict ends the turn; default: the model's own (0.5 for Smart Turn). */
  threshold?: number | undefined;
  /** Only the first N corpus lines (tests). */
  limit?: number | undefined;
  /** Where the generated corpus is cached. */
  cacheDir: string;
  log: (line: string) => void;
  signal?: AbortSignal | undefined;
}

/**
 * `parley bench turns`: the corpus streamed through silero, each pause
 * decided by every setting, the turn model asked where a setting asks it.
 * Reports, per setting, the false cut-ins (the turn "ended" before the
 * caller's last word) and the latency from the last word to the decision.
 */
export async function benchTurns(o: TurnsBenchOptions) {
  const signal = o.signal ?? new AbortController().signal;
  const models = await turnBenchModels(o.config, o.cwd, o.log);
  o.log(`caller lines: ${o.limit ?? TURN_CORPUS.length} flite utterances (cached in ${o.cacheDir})`);
  const corpus = loadTurnCorpus(o.cacheDir, {
    limit: o.limit,
    onProgress: (d, n) => (d % 10 === 0 || d === n) && o.log(`  generated ${d}/${n}`),
  });
  // The VAD is opened as a live call opens it: its own minimum silence and speech for the silence deadline, and the
  // early-silence detector at the calls' setting for the shortest ask time (settings.ts), where the model is asked.
  const earlyPauseMs = earlyPauseMsFor(Math.min(...o.askAfterMs));
  // One stream and one prediction at a time: one worker each.
  const engines = o.config.engines;
  const config = {
    ...o.config,
    engines: { ...engines, vad: { ...engines.vad, workers: 1 }, turn: { ...engines.turn, workers: 1 } },
  };
  const vad = await createEngine("vad", models.vad, config);
  let turn: TurnDetector | null = null;
  try {
    turn = await createEngine("turn", models.turn, config);
    const threshold = o.threshold ?? turn.threshold;
    const settings = settingsOf(o);
    const outcomes: UtteranceOutcome[] = [];
    const verdicts: Verdict[] = [];
    for (const [i, u] of corpus.entries()) {
      const pauses = await pausesOf(u, vad, earlyPauseMs, signal);
      const ask = cachedAsk(u, turn, threshold, signal, verdicts);
      for (const setting of settings) {
        const heard = setting.askAfterMs === null ? pauses.silence : pauses.early;
        const end = await decideTurn(setting, heard, ask, turn.recentMs ?? 0);
        outcomes.push(outcome(u, setting, end));
      }
      if ((i + 1) % 10 === 0 || i + 1 === corpus.length) o.log(`  decided ${i + 1}/${corpus.length}`);
    }
    const rows: SettingFigures[] = settings.map((s, i) =>
      summarizeSetting(
        s,
        i === 0,
        outcomes.filter((x) => x.setting === s.name),
      ),
    );
    return {
      bench: "turns",
      profile: models.profile,
      machine: machineFacts(),
      turnModel: {
        id: models.turn.model.id,
        standsInFor: models.turn.model.standsInFor ?? null,
        threshold,
        loadMs: round(turn.info.loadMs),
      },
      vad: {
        id: models.vad.model.id,
        minSilenceMs: config.engines.vad.minSilenceMs,
        minSpeechMs: config.engines.vad.minSpeechMs,
        earlyPauseMs,
        threshold: config.engines.vad.threshold,
      },
      corpus: {
        version: CORPUS_VERSION,
        lines: corpus.length,
        paused: corpus.filter((u) => u.pause).length,
        telephone: "8 kHz G.711 mu-law, 20 ms frames",
      },
      predictions: {
        count: verdicts.length,
        msP50: round(
          percentile(
            verdicts.map((v) => v.ms),
            50,
          ),
        ),
        msP95: round(
          percentile(
            verdicts.map((v) => v.ms),
            95,
          ),
        ),
        modelMsP50: round(
          percentile(
            verdicts.map((v) => v.modelMs),
            50,
          ),
        ),
        modelMsP95: round(
          percentile(
            verdicts.map((v) => v.modelMs),
            95,
          ),
        ),
        complete: verdicts.filter((v) => v.complete).length,
      },
      settings: rows,
      utterances: outcomes,
    };
  } finally {
    await Promise.allSettled([vad.dispose(), turn?.dispose()]);
  }
}

export type TurnsReport = Awaited<ReturnType<typeof benchTurns>>;

/** VAD-only rows first (the first is the baseline), then the model rows. */
function settingsOf(o: TurnsBenchOptions): TurnSetting[] {
  const vadOnly = o.endpointSilenceMs.map((e) => ({ name: `vad ${e}`, askAfterMs: null, endpointSilenceMs: e }));
  const model = o.askAfterMs.flatMap((a) =>
    o.endpointSilenceMs.map((e) => ({ name: `model@${a} ${e}`, askAfterMs: a, endpointSilenceMs: e })),
  );
  return [...vadOnly, ...model];
}

/** One prediction per ask time of an utterance, whatever the settings that ask then: they see the same verdict. */
function cachedAsk(u: TurnUtterance, turn: TurnDetector, threshold: number, signal: AbortSignal, all: Verdict[]) {
  const cache = new Map<string, Promise<Verdict>>();
  return (atMs: number, dueMs: number): Promise<Verdict> => {
    const key = `${Math.round(atMs)}:${Math.round(dueMs)}`;
    let verdict = cache.get(key);
    if (!verdict) {
      const end = Math.min(u.samples.length, Math.round((Math.round(atMs) * u.sampleRate) / 1000));
      const samples = withPauseMadeLonger(u.samples.subarray(0, end), u.sampleRate, Math.round(dueMs - atMs));
      verdict = turn.predict({ samples, sampleRate: u.sampleRate }, { signal }).then((p) => {
        const v: Verdict = {
          complete: p.probability > threshold,
          probability: p.probability,
          ms: p.ms,
          modelMs: p.modelMs,
        };
        all.push(v);
        return v;
      });
      cache.set(key, verdict);
    }
    return verdict;
  };
}

function outcome(
  u: TurnUtterance,
  setting: TurnSetting,
  end: Awaited<ReturnType<typeof decideTurn>>,
): UtteranceOutcome {
  const cutIn = end !== null && end.atMs < u.lastWordEndMs;
  return {
    id: u.id,
    setting: setting.name,
    paused: u.pause !== null,
    lastWordEndMs: u.lastWordEndMs,
    endedAtMs: end ? round(end.atMs) : null,
    by: end?.by ?? null,
    cutIn,
    latencyMs: end && !cutIn ? round(end.atMs - u.lastWordEndMs) : null,
  };
}
