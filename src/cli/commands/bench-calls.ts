import { benchCalls } from "../../bench/calls/calls-bench.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

/** `parley bench calls`: concurrent live calls against a real `parley serve`, measured on the wire. */
export async function benchCallsCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(
    args,
    { ...commonOptions, calls: { type: "string" }, restarted: { type: "boolean" } },
    false,
  );
  const { config } = configFromFlags(ctx, values);
  const levels = (values.calls ?? "1,10,50").split(",").map(Number);
  if (levels.some((n) => !Number.isInteger(n) || n < 1 || n > 500))
    throw new CliError(`--calls: expected a list of whole numbers 1..500, got '${values.calls}'`, 2);
  const report = await benchCalls({
    config,
    configFile: values.config,
    levels,
    restarted: values.restarted === true,
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
  });
  if (values.json) {
    printJson(ctx, report);
    return 0;
  }
  printTable(ctx, report.levels, [
    { header: "calls", value: (l) => l.calls, align: "right" },
    { header: "replied", value: (l) => l.replied, align: "right" },
    { header: "turn p50", value: (l) => l.turnLatencyMs.p50, align: "right" },
    { header: "turn p95", value: (l) => l.turnLatencyMs.p95, align: "right" },
    { header: "overhead p95", value: (l) => l.frameworkOverheadMs.p95, align: "right" },
    { header: "compute p50", value: (l) => l.breakdownMs.engineComputeP50, align: "right" },
    { header: "underruns", value: (l) => l.rtp.serverUnderruns, align: "right" },
    { header: "wire gaps", value: (l) => l.rtp.wireGaps, align: "right" },
    { header: "CPU %", value: (l) => l.cpu.percentOfOneCore, align: "right" },
    { header: "MB/call", value: (l) => l.memory.perCallMb, align: "right" },
  ]);
  ctx.stdout.write(
    "\nms; turn latency is from the caller's last speech packet to the agent's first audible packet, on the wire.\n",
  );
  return 0;
}
