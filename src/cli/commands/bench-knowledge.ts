import { benchKnowledge } from "../../bench/knowledge-bench.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

/** `parley bench knowledge`: retrieval recall on the generated FAQ and the latency of one search. */
export async function benchKnowledgeCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(args, { ...commonOptions, runs: { type: "string" } }, false);
  const { config } = configFromFlags(ctx, values);
  const runs = values.runs ? Number(values.runs) : 5;
  if (!Number.isInteger(runs) || runs < 1 || runs > 100)
    throw new CliError(`--runs: expected a whole number 1..100, got '${values.runs}'`, 2);
  const report = await benchKnowledge({
    config,
    cwd: ctx.cwd,
    runs,
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
  return 0;
}
