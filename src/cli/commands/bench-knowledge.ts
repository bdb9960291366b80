import { join, resolve } from "node:path";
import { benchKnowledge, type KnowledgeBenchReport } from "../../bench/knowledge-bench.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

/**
 * `parley bench knowledge`: retrieval recall on the generated FAQ, the latency of one search, and what
 * search_knowledge adds to a live turn (`--turn-runs`, 0 to leave it out).
 */
export async function benchKnowledgeCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(
    args,
    { ...commonOptions, runs: { type: "string" }, "turn-runs": { type: "string" }, "cache-dir": { type: "string" } },
    false,
  );
  const { config } = configFromFlags(ctx, values);
  const runs = wholeNumber("--runs", values.runs, 5, 1);
  const turnRuns = wholeNumber("--turn-runs", values["turn-runs"], 10, 0);
  const report = await benchKnowledge({
    config,
    cwd: ctx.cwd,
    runs,
    turnRuns,
    // The scripted LLM of the turn section is generated here once (a load double is hundreds of MB).
    cacheDir: resolve(ctx.cwd, values["cache-dir"] ?? join(config.dataDir, "cache")),
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
  });
  if (values.json) {
    printJson(ctx, report);
    return 0;
  }
  const rows = (["bm25", "vector", "hybrid"] as const).flatMap((name) => {
    const s = report.retrieval[name];
    return s ? [{ name, ...s }] : [];
  });
  printTable(ctx, rows, [
    { header: "retrieval", value: (r) => r.name },
    { header: "recall@1", value: (r) => r.recallAt1.toFixed(2), align: "right" },
    { header: "recall@3", value: (r) => r.recallAt3.toFixed(2), align: "right" },
    { header: "MRR@10", value: (r) => r.mrrAt10.toFixed(3), align: "right" },
  ]);
  const l = report.latencyMs;
  ctx.stdout.write(
    `\n${report.faq.entries} entries in ${report.faq.chunks} chunks, ${report.faq.questions} questions; embedding model ${report.embedModel ?? "none"} (${report.vectorSearch})\n`,
  );
  if (l.hybrid && l.embedQuery)
    ctx.stdout.write(
      `one search (what a live turn pays): p50 ${l.hybrid.p50} ms, p95 ${l.hybrid.p95} ms, of which embedding the question p50 ${l.embedQuery.p50} ms\n`,
    );
  ctx.stdout.write(`BM25 alone: p50 ${l.bm25Only.p50} ms, p95 ${l.bm25Only.p95} ms (${l.samples} searches)\n`);
  if (report.turn) printTurn(ctx, report.turn);
  return 0;
}

function wholeNumber(flag: string, value: string | undefined, fallback: number, min: number): number {
  const n = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(n) || n < min || n > 100)
    throw new CliError(`${flag}: expected a whole number ${min}..100, got '${value}'`, 2);
  return n;
}

function printTurn(ctx: CliContext, t: NonNullable<KnowledgeBenchReport["turn"]>): void {
  const s = t.search;
  const p = (x: { p50: number; p95: number } | undefined) => (x ? `${x.p50} / ${x.p95}` : "-");
  ctx.stdout.write(
    `\na live turn, "${t.question}" (${t.runs} runs each way; ${t.llmModel}, ${t.ttsModel}), ms from the turn's start, p50 / p95:\n`,
  );
  printTable(
    ctx,
    [
      {
        what: "first reply token",
        direct: p(t.direct.firstTokenMs),
        search: p(s.firstTokenMs),
        added: p(t.addedMs.firstToken),
      },
      {
        what: "first audio",
        direct: p(t.direct.firstAudioMs),
        search: p(s.firstAudioMs),
        added: p(t.addedMs.firstAudio),
      },
    ],
    [
      { header: "", value: (r) => r.what },
      { header: "directly", value: (r) => r.direct, align: "right" },
      { header: "through search_knowledge", value: (r) => r.search, align: "right" },
      { header: "added", value: (r) => r.added, align: "right" },
    ],
  );
  ctx.stdout.write(
    `parts of the search turn: call ${p(s.callMs)} (${t.tokens.call} tokens), between the passes ${p(s.betweenPassesMs)} ` +
      `of which the search ${p(s.searchMs)}, second pass to its first token ${p(s.secondPassMs)} ` +
      `(${t.tokens.secondPassPrompt} tokens read; passages ${p(s.passagesPrefillMs)}, one decoding step ${p(s.decodeMsPerToken)})\n`,
  );
}
