import { join, resolve } from "node:path";
import { benchTurns } from "../../bench/turns/turns-bench.js";
import { TURN_CORPUS } from "../../bench/turns/corpus.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

const options = {
  ...commonOptions,
  "ask-after": { type: "string" },
  "endpoint-silence": { type: "string" },
  threshold: { type: "string" },
  limit: { type: "string" },
} as const;

/** The silence deadline must fit the silence the corpus leaves after each line's last word (2.2 s). */
const MAX_ENDPOINT_MS = 2000;

/**
 * `parley bench turns`: false cut-ins and end-of-turn latency of the profile's
 * turn model against silence alone, on 40 flite caller lines (half with a
 * mid-sentence pause). Exits 0 whatever the figures: it measures, it does not judge.
 */
export async function benchTurnsCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(args, options, false);
  const { config } = configFromFlags(ctx, values);
  const askAfterMs = msList(values["ask-after"] ?? "200", "--ask-after", 20, 1000);
  const endpointSilenceMs = msList(
    values["endpoint-silence"] ?? "600,1000,1500",
    "--endpoint-silence",
    150,
    MAX_ENDPOINT_MS,
  );
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(threshold > 0 && threshold < 1))
    throw new CliError(`--threshold: expected a probability between 0 and 1, got '${values.threshold}'`, 2);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= TURN_CORPUS.length)) {
    throw new CliError(`--limit: expected a whole number 1..${TURN_CORPUS.length}, got '${values.limit}'`, 2);
  }
  const report = await benchTurns({
    config,
    cwd: ctx.cwd,
    askAfterMs,
    endpointSilenceMs,
    threshold,
    limit,
    cacheDir: join(resolve(ctx.cwd, config.dataDir), "cache"),
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
    signal: ctx.signal,
  });
  if (values.json) {
    printJson(ctx, report);
    return 0;
  }
  printTable(ctx, report.settings, [
    {
      header: "setting",
      value: (s) =>
        s.rule === "vad"
          ? `silence ${s.endpointSilenceMs} ms${s.baseline ? " (baseline)" : ""}`
          : `model after ${s.askAfterMs} ms, else ${s.endpointSilenceMs} ms`,
    },
    { header: "cut-ins", value: (s) => `${s.cutIns}/${s.utterances}`, align: "right" },
    { header: "rate", value: (s) => pct(s.cutInRate), align: "right" },
    { header: "paused lines", value: (s) => pct(s.pausedCutInRate), align: "right" },
    { header: "by model", value: (s) => s.byModel, align: "right" },
    { header: "latency p50", value: (s) => (s.latencyMs ? Math.round(s.latencyMs.p50) : null), align: "right" },
    { header: "p95", value: (s) => (s.latencyMs ? Math.round(s.latencyMs.p95) : null), align: "right" },
  ]);
  const p = report.predictions;
  ctx.stdout.write(
    `\nturn model ${report.turnModel.id}${report.turnModel.standsInFor ? ` (a double of ${report.turnModel.standsInFor})` : ""}, threshold ${report.turnModel.threshold}: ` +
      `${p.count} predictions, ${p.msP50} ms p50 / ${p.msP95} ms p95 each (model alone ${p.modelMsP50} / ${p.modelMsP95})\n` +
      `VAD ${report.vad.id}, minimum silence ${report.vad.minSilenceMs} ms (early silence ${report.vad.earlyPauseMs} ms); ${report.corpus.lines} lines (${report.corpus.paused} with a mid-sentence pause), ${report.corpus.telephone}\n` +
      "latency: ms from the caller's last word to the end-of-turn decision; a cut-in is a decision before the last word.\n",
  );
  return 0;
}

function msList(raw: string, flag: string, min: number, max: number): number[] {
  const values = raw.split(",").map((v) => Number(v.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < min || v > max)) {
    throw new CliError(`${flag}: expected a list of whole milliseconds ${min}..${max}, got '${raw}'`, 2);
  }
  return [...new Set(values)];
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10} %`;
}
