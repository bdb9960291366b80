import { benchRtp } from "../../bench/rtp-bench.js";
import { commonOptions, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

/** `parley bench rtp`: the media plane alone, N loopback sessions in the media thread, optionally with the main thread blocked. */
export async function benchRtpCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(
    args,
    { ...commonOptions, sessions: { type: "string" }, seconds: { type: "string" }, "stall-main": { type: "string" } },
    false,
  );
  const sessions = (values.sessions ?? "1,10,50").split(",").map(Number);
  if (sessions.some((n) => !Number.isInteger(n) || n < 1 || n > 1000))
    throw new CliError(`--sessions: expected a list of whole numbers 1..1000, got '${values.sessions}'`, 2);
  const seconds = Number(values.seconds ?? 10);
  if (!(seconds >= 1 && seconds <= 600)) throw new CliError(`--seconds: expected 1..600, got '${values.seconds}'`, 2);
  const mainStallMs = Number(values["stall-main"] ?? 0);
  if (!(Number.isInteger(mainStallMs) && mainStallMs >= 0 && mainStallMs < 1000))
    throw new CliError(`--stall-main: expected whole ms 0..999, got '${values["stall-main"]}'`, 2);
  const report = await benchRtp({
    sessions,
    seconds,
    mainStallMs,
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
  });
  if (values.json) {
    printJson(ctx, report);
    return 0;
  }
  printTable(ctx, report.runs, [
    { header: "sessions", value: (r) => r.sessions, align: "right" },
    { header: "lag p99", value: (r) => r.sendLatenessMs.p99, align: "right" },
    { header: "lag max", value: (r) => r.sendLatenessMs.max, align: "right" },
    { header: "interval p99", value: (r) => r.sendIntervalMs.p99, align: "right" },
    { header: "interval max", value: (r) => r.sendIntervalMs.max, align: "right" },
    { header: "stalls", value: (r) => r.stalls, align: "right" },
    { header: "media ms/s/session", value: (r) => r.mediaThread?.msPerSessionPerSecond ?? "", align: "right" },
    { header: "media CPU %", value: (r) => r.mediaThread?.percentOfOneCore ?? "", align: "right" },
    { header: "process CPU %", value: (r) => r.cpu.percentOfOneCore, align: "right" },
    { header: "main loop max", value: (r) => r.eventLoopDelayMs.max, align: "right" },
  ]);
  ctx.stdout.write(
    `\nms; lag: how far each packet left behind the real time its RTP timestamp tells.${mainStallMs ? ` Main thread blocked ${mainStallMs} ms every second.` : ""}\n`,
  );
  return 0;
}
