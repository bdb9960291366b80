import { runChecks, type CheckResult } from "../../doctor/checks.js";
import { agentChecks } from "../agent-checks.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import type { Command } from "../types.js";

const MARK: Record<CheckResult["status"], string> = { ok: "ok", warn: "WARN", fail: "FAIL" };

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check this machine: Node, native modules, models, disk, ports, tools",
  usage: `Usage: parley doctor [--json] [--config FILE] [--data-dir DIR] [--profile NAME]

Checks what Parley needs and says what to do about each problem.
Exits 1 when a check fails (warnings are optional features).`,
  async run(args, ctx) {
    const { values } = parseFlags(args, commonOptions, false);
    const { config } = configFromFlags(ctx, values);
    // The agents are this command's to check (the console's doctor page runs runChecks alone).
    const results = [...(await runChecks(config, ctx.cwd)), ...(await agentChecks(config))];
    const failed = results.filter((r) => r.status === "fail").length;
    const warned = results.filter((r) => r.status === "warn").length;
    if (values.json) {
      printJson(ctx, { ok: failed === 0, failed, warnings: warned, checks: results });
    } else {
      printTable(ctx, results, [
        { header: "", value: (r) => MARK[r.status] },
        { header: "check", value: (r) => `${r.group}: ${r.name}` },
        { header: "detail", value: (r) => r.detail },
        { header: "what to do", value: (r) => r.fix ?? "" },
      ]);
      ctx.stdout.write(`\n${failed} failed, ${warned} warnings, ${results.length - failed - warned} ok\n`);
    }
    return failed === 0 ? 0 : 1;
  },
};
