import { benchBesideBatch } from "../../bench/llm-beside-batch.js";
import { benchLlmConcurrency } from "../../bench/llm-concurrency.js";
import { createEngine } from "../../engines/factory.js";
import { machineFacts } from "../../bench/stats.js";
import { runtimeFacts } from "../../config/index.js";
import { modelFile, modelSetting } from "../../engines/model-ref.js";
import { ModelError } from "../../lib/errors.js";
import { missingModelsMessage, resolveProfileModels } from "../../app/resolve-models.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

/** `parley bench llm`: the profile's LLM with 1, 4, 8... sequences decoded together: aggregate and per-caller tokens/s. */
export async function benchLlmCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      ...commonOptions,
      sequences: { type: "string" },
      prompt: { type: "string" },
      tokens: { type: "string" },
      threads: { type: "string" },
      "beside-batch": { type: "string" },
      caps: { type: "string" },
    },
    false,
  );
  const { config } = configFromFlags(ctx, values);
  const sequences = (values.sequences ?? "1,4,8").split(",").map(Number);
  if (sequences.some((n) => !Number.isInteger(n) || n < 1 || n > 64))
    throw new CliError(`--sequences: expected whole numbers 1..64, got '${values.sequences}'`, 2);
  const besideRounds = values["beside-batch"] === undefined ? 0 : count(values["beside-batch"], "--beside-batch", 1);
  const caps = (values.caps ?? "4,16,32").split(",").map(Number);
  if (caps.some((n) => !Number.isInteger(n) || n < 1 || n > 4096))
    throw new CliError(`--caps: expected whole numbers 1..4096, got '${values.caps}'`, 2);
  const promptTokens = count(values.prompt, "--prompt", 128);
  const generateTokens = count(values.tokens, "--tokens", 64);
  const models = await resolveProfileModels(config, ctx.cwd);
  const ref = models.refs.llm;
  if (!ref) throw new ModelError("model_missing", missingModelsMessage(models));
  // Threads as the server would use them: the configured count, else the model's hint, else the physical cores.
  const threads = values.threads
    ? count(values.threads, "--threads", 1)
    : config.engines.llm.threads || modelSetting<number>(ref, "threads", 0) || runtimeFacts().physicalCores;
  const report = await benchLlmConcurrency({
    modelPath: modelFile(ref, "file"),
    threads,
    contextSize: Math.max(promptTokens + generateTokens + 64, 512),
    sequences,
    promptTokens,
    generateTokens,
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
  });
  const besideBatch =
    besideRounds > 0
      ? await benchBesideBatch({
          caps,
          rounds: besideRounds,
          load: (cap) =>
            createEngine("llm", ref, {
              ...config,
              engines: { ...config.engines, llm: { ...config.engines.llm, threads, batchBesideCallsTokens: cap } },
            }),
          log: (line) => ctx.stderr.write(`bench: ${line}\n`),
        })
      : undefined;
  const out = {
    bench: "llm",
    profile: models.profile,
    model: ref.model.id,
    machine: machineFacts(),
    ...report,
    ...(besideBatch ? { besideBatch } : {}),
  };
  if (values.json) {
    printJson(ctx, out);
    return 0;
  }
  printTable(ctx, report.levels, [
    { header: "sequences", value: (l) => l.sequences, align: "right" },
    { header: "prefill tok/s", value: (l) => l.prefillTokensPerSec, align: "right" },
    { header: "aggregate tok/s", value: (l) => l.aggregateTokensPerSec, align: "right" },
    { header: "per caller tok/s", value: (l) => l.perSequenceTokensPerSec, align: "right" },
  ]);
  ctx.stdout.write(
    `\n${ref.model.id}, ${threads} thread(s); ${report.promptTokens} prompt tokens and ${report.generateTokens} generated per sequence\n`,
  );
  if (besideBatch) {
    ctx.stdout.write(
      `\nA live reply's first token while a call summary runs, a call connected (${besideRounds} rounds):\n`,
    );
    printTable(ctx, besideBatch, [
      { header: "batch step beside calls", value: (b) => b.cap, align: "right" },
      { header: "held at the pause", value: (b) => (b.held ? "yes" : "no") },
      { header: "replies", value: (b) => b.replies, align: "right" },
      { header: "first token p50", value: (b) => b.firstTokenMs.p50, align: "right" },
      { header: "p95", value: (b) => b.firstTokenMs.p95, align: "right" },
      { header: "max", value: (b) => b.firstTokenMs.max, align: "right" },
      { header: "summary ms p50", value: (b) => b.batchMsP50, align: "right" },
    ]);
  }
  return 0;
}

function count(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 8192)
    throw new CliError(`${flag}: expected a whole number 1..8192, got '${raw}'`, 2);
  return n;
}
