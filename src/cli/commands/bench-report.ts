import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { benchReport } from "../../bench/report/index.js";
import { parseFlags } from "../flags.js";
import { printJson } from "../output.js";
import { CliError, type CliContext } from "../types.js";

/** `parley bench report [--out report.html] <bench.json...>`: one HTML page with plots from the other benches' JSON. */
export async function benchReportCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseFlags(args, {
    out: { type: "string" },
    json: { type: "boolean", default: false },
  });
  if (positionals.length === 0)
    throw new CliError(
      "give at least one bench report: parley bench report [--out report.html] calls.json batch.json ...",
      2,
    );
  const out = resolve(ctx.cwd, values.out ?? "report.html");
  const { html, reports, used } = await benchReport(positionals.map((f) => resolve(ctx.cwd, f)));
  for (const r of reports) if (r.problem) ctx.stderr.write(`bench report: skipped ${r.name}: ${r.problem}\n`);
  if (used === 0) throw new CliError("none of the files is a bench report; nothing written");
  await writeFile(out, html);
  if (values.json)
    printJson(ctx, { out, files: reports.map((r) => ({ file: r.file, bench: r.kind, problem: r.problem })) });
  else
    ctx.stdout.write(
      `wrote ${out} (${used} report(s): ${reports
        .filter((r) => r.kind)
        .map((r) => `${r.name} [${r.kind}]`)
        .join(", ")})\n`,
    );
  return 0;
}
