import { benchIntake } from "../../bench/intake/intake-bench.js";
import { commonOptions, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

const whole = (flag: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`--${flag}: expected a whole number ${min}..${max}, got '${raw}'`, 2);
  return n;
};

/** `parley bench intake`: time from arrival to hand-off of the SMTP and folder intakes. */
export async function benchIntakeCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      ...commonOptions,
      mails: { type: "string" },
      files: { type: "string" },
      "stable-ms": { type: "string" },
      "poll-ms": { type: "string" },
      "recording-ms": { type: "string" },
    },
    false,
  );
  const report = await benchIntake({
    mails: whole("mails", values.mails, 20, 1, 10_000),
    files: whole("files", values.files, 5, 1, 1000),
    stableMs: whole("stable-ms", values["stable-ms"], 2000, 100, 600_000),
    pollMs: whole("poll-ms", values["poll-ms"], 2000, 50, 600_000),
    recordingMs: whole("recording-ms", values["recording-ms"], 30_000, 1000, 600_000),
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
  });
  if (values.json) {
    printJson(ctx, report);
    return 0;
  }
  const { smtp, folders } = report;
  printTable(
    ctx,
    [
      { intake: `smtp (${smtp.mails} mails)`, measure: "end of DATA -> hand-off", ...smtp.handoffMs },
      { intake: `smtp (${smtp.mails} mails)`, measure: "end of DATA -> 250", ...smtp.replyMs },
      {
        intake: `folder (${folders.files} files, stable ${folders.stableMs} ms, poll ${folders.pollMs} ms)`,
        measure: ".txt written -> hand-off",
        ...folders.handoffMs,
      },
    ],
    [
      { header: "intake", value: (r) => r.intake },
      { header: "measure", value: (r) => r.measure },
      { header: "p50 ms", value: (r) => r.p50, align: "right" },
      { header: "p95 ms", value: (r) => r.p95, align: "right" },
      { header: "max ms", value: (r) => r.max, align: "right" },
    ],
  );
  return 0;
}
