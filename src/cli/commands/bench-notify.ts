import { benchNotify } from "../../bench/notify-bench.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

const whole = (flag: string, raw: string | undefined, fallback: number, max: number): number => {
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > max)
    throw new CliError(`--${flag}: expected a number 1..${max}, got '${raw}'`, 2);
  return n;
};

/** `parley bench notify`: renders cold vs warm, campaign pacing accuracy, CPU per notification vs per live call. */
export async function benchNotifyCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      ...commonOptions,
      pieces: { type: "string" },
      rate: { type: "string" },
      "pacing-calls": { type: "string" },
      calls: { type: "string" },
    },
    false,
  );
  const { config } = configFromFlags(ctx, values);
  const rate = whole("rate", values.rate, 5, 100);
  const report = await benchNotify({
    config,
    cwd: ctx.cwd,
    pieces: Math.round(whole("pieces", values.pieces, 40, 10_000)),
    rate,
    pacingCalls: Math.round(whole("pacing-calls", values["pacing-calls"], Math.max(10, Math.round(rate * 6)), 10_000)),
    calls: Math.round(whole("calls", values.calls, 3, 100)),
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
  });
  if (values.json) {
    printJson(ctx, report);
    return 0;
  }
  const { renders, pacing, cpu } = report;
  printTable(
    ctx,
    [
      { measure: "renders/s, cold cache", value: renders.cold.rendersPerSecond },
      { measure: "renders/s, warm cache", value: renders.warm.rendersPerSecond },
      { measure: "warm / cold", value: `${renders.warmOverCold}x` },
      {
        measure: "dial rate configured / achieved",
        value: `${pacing.configuredPerSecond} / ${pacing.achievedPerSecond} per s (${pacing.rateErrorPct}%)`,
      },
      {
        measure: "dial interval target / p50 / p95",
        value: `${pacing.intervalMs.target} / ${pacing.intervalMs.p50} / ${pacing.intervalMs.p95} ms`,
      },
      {
        measure: `CPU s per notification (${cpu.notification.callSeconds} s call)`,
        value: cpu.notification.cpuSecondsPerCall,
      },
      { measure: `CPU s per live call (${cpu.liveCall.callSeconds} s call)`, value: cpu.liveCall.cpuSecondsPerCall },
      { measure: "live / notification", value: `${cpu.liveOverNotification}x` },
      {
        measure: `CPU s per live interaction (${cpu.liveInteraction.callSeconds} s call, ${cpu.liveInteraction.agentReplies} agent replies)`,
        value: cpu.liveInteraction.cpuSecondsPerCall,
      },
      { measure: "interaction / notification", value: `${cpu.interactionOverNotification}x` },
    ],
    [
      { header: "measure", value: (r) => r.measure },
      { header: "value", value: (r) => r.value, align: "right" },
    ],
  );
  return 0;
}
