import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { benchEngines } from "../../bench/engines-bench.js";
import { benchCallsCommand } from "./bench-calls.js";
import { benchRtpCommand } from "./bench-rtp.js";
import { benchCapacityCommand } from "./bench-capacity.js";
import { benchLlmCommand } from "./bench-llm.js";
import { benchDoublesCommand } from "./bench-doubles.js";
import { benchKnowledgeCommand } from "./bench-knowledge.js";
import { benchIntakeCommand } from "./bench-intake.js";
import { benchNotifyCommand } from "./bench-notify.js";
import { benchTurnsCommand } from "./bench-turns.js";
import { packageRoot } from "../../models/paths.js";
import { commonOptions, configFromFlags, parseFlags } from "../flags.js";
import { printJson, printTable } from "../output.js";
import { benchBatchCommand } from "./bench-batch.js";
import { benchReportCommand } from "./bench-report.js";
import { CliError, type CliContext, type Command } from "../types.js";

const USAGE = `Usage: parley bench <what> [options]

Benchmarks, with machine-readable output (--json). Figures compare within one
run (ratios), because shared machines are noisy.

  engines    load time and speed of each engine of a profile (RTF for VAD, ASR,
             TTS; time to first token and tokens/s for the LLM, against a bare
             node-llama-cpp loop on the same model)
  calls      K concurrent live calls against a real parley serve, from our own
             UAC: turn latency on the wire (p50/p95/p99), the framework's own
             overhead, RTP gaps and underruns, CPU and memory per call
             (--calls 1,10,50; needs flite; --restarted: to a server restarted
             on a data dir that holds its phrases, as after a site's restart)
  rtp        the media plane alone: N loopback RTP sessions in the media
             thread, playing and hearing audio: send lag and intervals, stalls,
             media-thread CPU per session, the main thread's event-loop delay
             (--sessions 1,10,50 --seconds 10; --stall-main MS blocks the main
             thread that long every second, to show media does not notice)
  capacity   the most concurrent calls a box holds: p95 turn latency within
             1.5x the single-call p95, every call answered, zero RTP gaps;
             measured with idle batch engines and again while a backlog of
             voicemails drains on the same engines (needs flite)
  llm        the profile's LLM with 1, 4, 8 sequences decoded together:
             prefill and aggregate / per-caller tokens per second; with
             --beside-batch ROUNDS, a live reply's first token while a call
             summary runs on the same LLM, for each batch step size beside a
             connected call (--caps 4,16,32: engines.llm.batchBesideCallsTokens;
             each size loads its own copy of the model), each with and
             without batch work held from the caller's pause to the reply's
             first token (engines.llm.batchHoldMs)
  batch      flite-spoken voicemails of varied length through the whole
             pipeline on a temporary data dir: voicemails per minute, audio
             minutes per CPU minute, time to triage behind a backlog; then the
             job queue alone (enqueue, claim, complete per second); then the
             queue engines side by side: SQLite, PostgreSQL and graphile-worker
             on the same PostgreSQL (--postgres URL or store.url): jobs/s and
             wake-up latency. Needs flite; --profile defaults to tiny here.
  notify     outbound voice, in one process against an in-process callee:
             TTS renders per second through the cache, cold vs warm; campaign
             dial pacing against the configured rate; CPU seconds per delivered
             notification vs per live call of the same length
  doubles    the load doubles against the real weights at hand: stories260K vs
             its double (decode tokens/s) and silero v4 vs its double (RTF),
             same run, interleaved; exits 1 outside ±15 %. With --profile
             load-small|load-default, also each double's speed (LLM tokens/s
             at --threads, default 2; RTF at 1 thread for the audio models;
             ms per prediction over 8 s for the turn model)
  turns      end of turn: 40 flite caller lines (half pausing mid-sentence),
             streamed through silero; for silence alone and for the profile's
             turn model asked after a short silence, the false cut-ins (the
             turn ends while the caller only paused) and the latency from the
             last word to the decision. Needs flite.
  knowledge  the knowledge base on a generated FAQ (200 entries, 50 paraphrased
             questions): recall@1/@3 and MRR of BM25, of the embedding model's
             vectors and of both fused, the latency of one search (--runs
             passes over the questions, default 5), and a live turn: the same
             question answered directly and through search_knowledge (first
             token, first audio, the search turn's parts)
  intake     time from arrival to hand-off of the PBX intakes: FreePBX-style
             mails over SMTP (end of DATA to the handler), and recordings
             written into an Asterisk-style spool (.txt to the handler) at the
             folder's stableMs/pollMs
  report     one self-contained HTML page with plots from the --json output of
             the benches above: parley bench report [--out report.html] a.json b.json

Options:
  --profile NAME     profile to benchmark (default: the configured one)
  --fixtures DIR     real test weights and audio (default: ../shared/fixtures when present)
  --runs N           LLM runs per side (default 10; doubles: interleaved blocks, default 60)
  --json             JSON on stdout
  --config FILE, --data-dir DIR   (calls and capacity also start the server under test with --config FILE)
batch:
  --count N          voicemails through the pipeline (default 20)
  --backlog N        messages queued ahead of the timed arrivals (default 200)
  --fresh N          arrivals timed behind the backlog (default 10)
  --queue-jobs N     jobs per phase of the queue measurement (default 5000)
  --postgres URL     PostgreSQL for the queue-engine comparison (default: store.url; none: SQLite only)
  --engine-jobs N    no-op jobs per engine in that comparison (default 2000)
  --queue-only       only the queue engines (no voicemails, no flite needed)
rtp:
  --sessions LIST    concurrent sessions per run (default 1,10,50)
  --seconds N        measured seconds per run (default 10)
  --stall-main MS    block the main thread MS every second (default 0)
capacity:
  --max-calls N      most calls to try (default 64)
  --backlog N        voicemails kept waiting in the second pass (default 200; 0 skips it)
  --factor F         latency allowed over the single call (default 1.5)
  --single-calls N   single calls, one after another, for that baseline p95 (default 3)
  --p95-limit-ms MS  pass while p95 is at most MS instead (the factor's capacity is still reported)
  --hold-ms MS       how long each call stays up (default 15000)
  --turn-offset MS   call i of a level says its line i x MS later (default 0: every turn ends at once,
                     the hardest case; 1000 or more: no two turns end together)
llm:
  --sequences LIST   sequences decoded together (default 1,4,8)
  --prompt N         prompt tokens per sequence (default 128)
  --tokens N         tokens generated per sequence (default 64)
  --threads N        llama.cpp threads (default: engines.llm.threads, else the physical cores)
turns:
  --ask-after LIST         silence (ms) before the model is asked (default 200)
  --endpoint-silence LIST  silence (ms) that ends a turn anyway (default 600,1000,1500;
                           the first, silence alone, is the baseline)
  --threshold P            P(complete) above which the model ends the turn (default: the model's)
  --limit N                only the first N lines
knowledge:
  --turn-runs N      timed turns each way (default 10; 0 leaves the turn section out)
  --cache-dir DIR    where the turn's scripted LLM is generated once (default: <data dir>/cache)
intake:
  --mails N          mails sent (default 20)
  --files N          recordings dropped in the spool (default 5)
  --stable-ms MS, --poll-ms MS   folder settings (default 2000 each, as configured by default)
  --recording-ms MS  length of each recording (default 30000)
notify:
  --pieces N         distinct pieces rendered cold, then warm (default 40)
  --rate R           campaign calls per second to measure (default 5)
  --pacing-calls N   calls in the pacing campaign (default 6 s worth)
  --calls N          notifications, then live calls, for the CPU figures (default 3)
`;

export const benchCommand: Command = {
  name: "bench",
  summary: "benchmark engines, live calls and the batch (voicemail) pipeline",
  usage: USAGE,
  async run(args, ctx) {
    const [what, ...rest] = args;
    if (what === "engines") return benchEnginesCommand(rest, ctx);
    if (what === "batch") return benchBatchCommand(rest, ctx);
    if (what === "calls") return benchCallsCommand(rest, ctx);
    if (what === "rtp") return benchRtpCommand(rest, ctx);
    if (what === "capacity") return benchCapacityCommand(rest, ctx);
    if (what === "llm") return benchLlmCommand(rest, ctx);
    if (what === "notify") return benchNotifyCommand(rest, ctx);
    if (what === "intake") return benchIntakeCommand(rest, ctx);
    if (what === "report") return benchReportCommand(rest, ctx);
    if (what === "doubles") return benchDoublesCommand(rest, ctx);
    if (what === "turns") return benchTurnsCommand(rest, ctx);
    if (what === "knowledge") return benchKnowledgeCommand(rest, ctx);
    throw new CliError(
      what ? `unknown benchmark '${what}'; see parley bench --help` : "say what to benchmark; see parley bench --help",
      2,
    );
  },
};

async function benchEnginesCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseFlags(
    args,
    { ...commonOptions, fixtures: { type: "string" }, runs: { type: "string" } },
    false,
  );
  const { config } = configFromFlags(ctx, values);
  const runs = values.runs ? Number(values.runs) : 10;
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000)
    throw new CliError(`--runs: expected a whole number 1..1000, got '${values.runs}'`, 2);
  const report = await benchEngines({
    config,
    cwd: ctx.cwd,
    fixturesDir: fixturesDir(values.fixtures, ctx.cwd),
    llmRuns: runs,
    log: (line) => ctx.stderr.write(`bench: ${line}\n`),
  });
  if (values.json) {
    printJson(ctx, report);
    return 0;
  }
  printTable(ctx, report.engines, [
    { header: "role", value: (r) => r.role },
    { header: "model", value: (r) => r.modelId },
    { header: "load ms", value: (r) => r.loadMs, align: "right" },
    { header: "RTF", value: (r) => (typeof r.rtf === "number" ? r.rtf : ""), align: "right" },
    {
      header: "TTFT ms",
      value: (r) => (r.parley as { ttftMsP50?: number } | undefined)?.ttftMsP50 ?? "",
      align: "right",
    },
    {
      header: "tok/s",
      value: (r) => (r.parley as { tokensPerSecP50?: number } | undefined)?.tokensPerSecP50 ?? "",
      align: "right",
    },
    { header: "vs bare", value: (r) => (typeof r.ratio === "number" ? `${r.ratio}x` : ""), align: "right" },
  ]);
  ctx.stdout.write(
    `\nresident memory: ${report.memory.rssBaselineMb} MB before loading, ${report.memory.rssLoadedMb} MB with the profile loaded\n`,
  );
  for (const [name, figures] of Object.entries(report.fixtures))
    ctx.stdout.write(`fixture ${name}: ${JSON.stringify(figures)}\n`);
  return 0;
}

function fixturesDir(flag: string | undefined, cwd: string): string | null {
  if (flag) {
    const dir = resolve(cwd, flag);
    if (!existsSync(dir)) throw new CliError(`--fixtures: ${dir} does not exist`, 2);
    return dir;
  }
  const beside = resolve(packageRoot(), "..", "shared", "fixtures");
  return existsSync(beside) ? beside : null;
}
