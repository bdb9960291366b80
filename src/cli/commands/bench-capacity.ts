import { benchCapacity } from "../../bench/calls/capacity-bench.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

/**
 * `parley bench capacity`: the most concurrent calls that keep the single-call latency (x1.5), or a p95 under
 * `--p95-limit-ms`, and a clean line.
 */
export async function benchCapacityCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      ...commonOptions,
      "max-calls": { type: "string" },
      backlog: { type: "string" },
      factor: { type: "string" },
      "p95-limit-ms": { type: "string" },
      "hold-ms": { type: "string" },
      "single-calls": { type: "string" },
      "turn-offset": { type: "string" },
    },
    false,
  );
  const { config } = configFromFlags(ctx, values);
  const maxCalls = wholeNumber(values["max-calls"], "--max-calls", 64, 1, 500);
  const backlog = wholeNumber(values.backlog, "--backlog", 200, 0, 5000);
  const holdMs = wholeNumber(values["hold-ms"], "--hold-ms", 15_000, 3000, 600_000);
  const singleCalls = wholeNumber(values["single-calls"], "--single-calls", 3, 1, 20);
  const turnOffsetMs = wholeNumber(values["turn-offset"], "--turn-offset", 0, 0, 10_000);
  const latencyFactor = values.factor === undefined ? 1.5 : Number(values.factor);
  if (!(latencyFactor > 1 && latencyFactor <= 10))
    throw new CliError(`--factor: expected a number above 1 (at most 10), got '${values.factor}'`, 2);
  const p95LimitMs =
    values["p95-limit-ms"] === undefined ? null : wholeNumber(values["p95-limit-ms"], "--p95-limit-ms", 0, 100, 60_000);
  const report = await benchCapacity({
    config,
    configFile: values.config,
    maxCalls,
    backlog,
    latencyFactor,
    singleCalls,
    p95LimitMs,
    holdMs,
    turnOffsetMs,
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
  });
  if (values.json) {
    printJson(ctx, report);
    return 0;
  }
  for (const [name, pass] of [
    ["idle batch engines", report.idle],
    [`backlog of ${backlog} voicemails`, report.withBacklog],
  ] as const) {
    if (!pass) continue;
    const byFactor = p95LimitMs === null ? "" : `; ${pass.capacityByFactor ?? 0} by the ${latencyFactor}x rule`;
    ctx.stdout.write(
      `\n${name}: capacity ${pass.capacity} call(s)${byFactor} (single-call p95 ${pass.singleCallP95Ms} ms)\n`,
    );
    printTable(ctx, pass.levels, [
      { header: "calls", value: (l) => l.calls, align: "right" },
      { header: "replied", value: (l) => l.replied, align: "right" },
      { header: "p50", value: (l) => l.turnLatencyMs.p50, align: "right" },
      { header: "p95", value: (l) => l.turnLatencyMs.p95, align: "right" },
      { header: "gaps", value: (l) => l.rtp.wireGaps, align: "right" },
      { header: "queue ms max", value: (l) => l.queueDelayMs.max, align: "right" },
      { header: "CPU %", value: (l) => l.cpu.percentOfOneCore, align: "right" },
      { header: "", value: (l) => (l.passed ? "pass" : "fail") },
    ]);
  }
  ctx.stdout.write(`\n${report.rule}; profile ${report.profile}\n`);
  return 0;
}

function wholeNumber(raw: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`${flag}: expected a whole number ${min}..${max}, got '${raw}'`, 2);
  return n;
}
