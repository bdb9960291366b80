import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { profileFigures, type DoubleFigure } from "../../bench/doubles/profile-figures.js";
import { proveSilero, proveStories, readSpeech, TOLERANCE, type ProofResult } from "../../bench/doubles/proofs.js";
import { machineFacts } from "../../bench/stats.js";
import { catalogForConfig, ModelStore } from "../../models/index.js";
import { packageRoot } from "../../models/paths.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { CliError, type CliContext } from "../types.js";

const options = {
  ...commonOptions,
  fixtures: { type: "string" },
  runs: { type: "string" },
  threads: { type: "string" },
} as const;

/**
 * `parley bench doubles`: the load doubles against the real weights we have
 * (stories260K, silero v4; ±15 % in the same run), and with --profile the
 * speed of each double of a load profile. Exits 1 when a proof is outside
 * the tolerance.
 */
export async function benchDoublesCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(args, options, false);
  const { config } = configFromFlags(ctx, values);
  const runs = values.runs ? Number(values.runs) : 60;
  if (!Number.isInteger(runs) || runs < 2 || runs > 10_000)
    throw new CliError(`--runs: expected a whole number 2..10000, got '${values.runs}'`, 2);
  const threads = values.threads ? Number(values.threads) : 2;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256)
    throw new CliError(`--threads: expected a whole number 1..256, got '${values.threads}'`, 2);
  const fixtures = values.fixtures
    ? resolve(ctx.cwd, values.fixtures)
    : resolve(packageRoot(), "..", "shared", "fixtures");
  const log = (line: string) => ctx.stderr.write(`bench: ${line}\n`);

  const work = await mkdtemp(join(tmpdir(), "parley-bench-doubles-"));
  const proofs: ProofResult[] = [];
  const skipped: string[] = [];
  let profile: DoubleFigure[] | null = null;
  try {
    const stories = join(fixtures, "llm/stories260K.gguf");
    if (existsSync(stories)) {
      log(`stories260K against its double (${runs} interleaved blocks)`);
      proofs.push(await proveStories(stories, work, runs));
    } else skipped.push(`stories260K: ${stories} is absent`);
    log("silero v4 against its double");
    proofs.push(
      await proveSilero(
        config,
        work,
        Math.max(5, Math.round(runs / 6)),
        await readSpeech(join(fixtures, "audio/jfk.wav")),
      ),
    );
    if (values.profile) {
      const catalog = catalogForConfig(config, ctx.cwd);
      profile = await profileFigures(values.profile, {
        catalog,
        store: ModelStore.forConfig(config),
        config,
        llmThreads: threads,
        log,
      });
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const ok = proofs.every((p) => p.withinTolerance);
  if (values.json)
    printJson(ctx, {
      machine: machineFacts(),
      tolerance: TOLERANCE,
      ok,
      proofs,
      skipped,
      profile: values.profile ?? null,
      doubles: profile,
    });
  else {
    printTable(ctx, proofs, [
      { header: "PROOF", value: (p) => p.what },
      { header: "METRIC", value: (p) => p.metric },
      { header: "REAL", value: (p) => p.realMedian, align: "right" },
      { header: "DOUBLE", value: (p) => p.doubleMedian, align: "right" },
      { header: "RATIO", value: (p) => p.ratio, align: "right" },
      { header: `WITHIN ±${TOLERANCE * 100}%`, value: (p) => (p.withinTolerance ? "yes" : "NO") },
    ]);
    for (const s of skipped) ctx.stdout.write(`skipped ${s}\n`);
    if (profile) {
      ctx.stdout.write("\n");
      printTable(ctx, profile, [
        { header: "ROLE", value: (f) => f.role },
        { header: "DOUBLE", value: (f) => f.id },
        { header: "STANDS IN FOR", value: (f) => f.standsInFor ?? "-" },
        { header: "THREADS", value: (f) => f.threads, align: "right" },
        { header: "DECODE TOK/S", value: (f) => f.decodeTokensPerSec ?? "", align: "right" },
        { header: "PREFILL TOK/S", value: (f) => f.prefillTokensPerSec ?? "", align: "right" },
        { header: "RTF", value: (f) => f.rtf ?? "", align: "right" },
        { header: "MS/CHAR", value: (f) => f.msPerChar ?? "", align: "right" },
        { header: "MS/CALL", value: (f) => f.msPerCall ?? "", align: "right" },
      ]);
    }
  }
  if (!ok)
    ctx.stderr.write(
      `parley bench doubles: ${proofs
        .filter((p) => !p.withinTolerance)
        .map((p) => `${p.what} ratio ${p.ratio}`)
        .join(", ")} outside ±${TOLERANCE * 100}%\n`,
    );
  return ok ? 0 : 1;
}
