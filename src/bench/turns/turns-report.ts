import type { TurnSetting } from "./decide.js";
import { percentile, round } from "../stats.js";

/** One utterance under one setting. */
export interface UtteranceOutcome {
  id: string;
  setting: string;
  paused: boolean;
  lastWordEndMs: number;
  /** When the turn ended (audio ms); null when nothing ended it before the audio did. */
  endedAtMs: number | null;
  by: "model" | "silence" | null;
  /** The turn "ended" before the caller's last word: the agent would have talked over them. */
  cutIn: boolean;
  /** From the caller's last word to the decision, when it was not a cut-in. */
  latencyMs: number | null;
}

export interface SettingFigures {
  name: string;
  rule: "vad" | "model";
  askAfterMs: number | null;
  endpointSilenceMs: number;
  /** The VAD-only row at the first endpoint setting: what calls do today. */
  baseline: boolean;
  utterances: number;
  cutIns: number;
  /** Cut-ins over all utterances. */
  cutInRate: number;
  /** Cut-ins over the lines with a mid-sentence pause. */
  pausedCutInRate: number;
  /** Cut-ins over the lines spoken straight through (at a comma, or a VAD miss). */
  straightCutInRate: number;
  byModel: number;
  bySilence: number;
  undecided: number;
  latencyMs: { p50: number; p95: number; mean: number } | null;
}

export function summarizeSetting(s: TurnSetting, baseline: boolean, rows: readonly UtteranceOutcome[]): SettingFigures {
  const paused = rows.filter((r) => r.paused);
  const straight = rows.filter((r) => !r.paused);
  const rate = (xs: readonly UtteranceOutcome[]) =>
    xs.length === 0 ? 0 : round(xs.filter((r) => r.cutIn).length / xs.length, 3);
  const latencies = rows.map((r) => r.latencyMs).filter((v): v is number => v !== null);
  return {
    name: s.name,
    rule: s.askAfterMs === null ? "vad" : "model",
    askAfterMs: s.askAfterMs,
    endpointSilenceMs: s.endpointSilenceMs,
    baseline,
    utterances: rows.length,
    cutIns: rows.filter((r) => r.cutIn).length,
    cutInRate: rate(rows),
    pausedCutInRate: rate(paused),
    straightCutInRate: rate(straight),
    byModel: rows.filter((r) => r.by === "model").length,
    bySilence: rows.filter((r) => r.by === "silence").length,
    undecided: rows.filter((r) => r.endedAtMs === null).length,
    latencyMs:
      latencies.length === 0
        ? null
        : {
            p50: round(percentile(latencies, 50)),
            p95: round(percentile(latencies, 95)),
            mean: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
          },
  };
}
