/**
 * `parley bench capacity`: how many concurrent live calls one box holds. A
 * level passes when every call got its answer, the p95 turn latency on the
 * wire stays within `latencyFactor` (1.5) times the single-call p95, and no
 * RTP gap reached the caller. The single-call p95 comes from `singleCalls`
 * calls made one after another (3 by default): from one call it was one
 * sample, and one call's luck moved every later level's bound by as much.
 * With `p95LimitMs`, the latency rule is that absolute bound instead: the
 * relative rule reads a fast single call as a strict one (a single-call p95
 * of 740 ms allows 1,110 ms), so a box that got faster could report fewer
 * calls. Each level still says whether it met the relative rule, and the
 * report gives the capacity by each. Levels ramp up (1, 2, 4, 6, 8, 12, 16,
 * ...) until one fails, then the space between the last pass and the first failure
 * is bisected. It runs twice: with idle batch engines, and while a backlog of
 * voicemails drains through the same engines (kept topped up before each
 * level), which is what a box behind a PBX sees on a Monday morning.
 *
 * Admission from load is switched off in the server under test, so the figure
 * is what the engines can do; each level also reports the queueing delay the
 * admission check saw (its max and mean), to set `calls.admission`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ParleyConfig } from "../../config/index.js";
import { padded, speakMessages, type SpokenMessage } from "../batch-voicemails.js";
import { machineFacts, percentile, round } from "../stats.js";
import { runLevel, startCallsHarness, type CallsHarness } from "./calls-bench.js";

export interface CapacityBenchOptions {
  config: ParleyConfig;
  /** The operator's parley.yaml, handed to the server under test. */
  configFile?: string | undefined;
  /** Most calls to try. */
  maxCalls: number;
  /** Voicemails kept waiting during the second pass (0 skips it). */
  backlog: number;
  /** A level passes while its p95 stays within this factor of the single-call p95. */
  latencyFactor: number;
  /** Single calls, one after another, whose p95 is that baseline (each is a level of its own in the report). */
  singleCalls: number;
  /** When set, a level passes while its p95 stays at or under this (ms) instead; the factor is still reported. */
  p95LimitMs?: number | null | undefined;
  /** How long each call stays up (its one turn must fit). */
  holdMs: number;
  /**
   * Call i of a level says its line this much later than call 0 (after its greeting). 0: every caller's turn ends
   * at once, so the replies compete for the cores (the hardest case, and the default); a second or more: no two
   * turns end together, as at a quieter moment with as many calls up.
   */
  turnOffsetMs: number;
  log: (line: string) => void;
}

type Level = Awaited<ReturnType<typeof runLevel>> & {
  queueDelayMs: { max: number; mean: number };
  backlogWaiting?: number;
  /** Every call answered, no wire gap, and the rule in use (the limit when set, else the factor). */
  passed: boolean;
  /** The p95 within latencyFactor x the single-call p95 (the single call: true). */
  withinFactor: boolean;
  /** The p95 at or under p95LimitMs; null without a limit. */
  withinLimit: boolean | null;
};

const RAMP = [1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256];

export async function benchCapacity(o: CapacityBenchOptions) {
  // Admission off: the bench measures what the engines can do, not what the admission limit lets in.
  const harness = await startCallsHarness(
    o.config,
    o.maxCalls,
    { PARLEY_CALLS__ADMISSION__MAX_QUEUE_DELAY_MS: "0" },
    o.log,
    o.configFile,
  );
  const dir = mkdtempSync(join(tmpdir(), "parley-bench-capacity-"));
  try {
    const idle = await search(harness, o, null);
    let withBacklog: Awaited<ReturnType<typeof search>> | null = null;
    if (o.backlog > 0) {
      o.log(`speaking voicemails for a backlog of ${o.backlog}`);
      const backlog = new Backlog(harness, await speakMessages(Math.min(20, o.backlog), dir), o.backlog);
      withBacklog = await search(harness, o, backlog);
      withBacklog.voicemailsProcessed = await backlog.processed();
    }
    return {
      bench: "capacity",
      profile: o.config.profile,
      machine: machineFacts(),
      rule: ruleOf(o),
      turnOffsetMs: o.turnOffsetMs,
      capacity: { idle: idle.capacity, withBacklog: withBacklog?.capacity ?? null },
      capacityByFactor: { idle: idle.capacityByFactor, withBacklog: withBacklog?.capacityByFactor ?? null },
      idle,
      withBacklog,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await harness.close();
  }
}

async function search(h: CallsHarness, o: CapacityBenchOptions, backlog: Backlog | null) {
  const label = backlog ? `with a backlog of ${o.backlog} voicemails` : "with idle batch engines";
  const levels: Level[] = [];
  const measure = async (k: number, baselineP95: number | null): Promise<Level> => {
    const waiting = backlog ? await backlog.topUp() : undefined;
    o.log(`${label}: ${k} concurrent call(s)${waiting !== undefined ? ` (${waiting} voicemails waiting)` : ""}`);
    const sampler = new QueueDelaySampler(h);
    const level = await runLevel(k, h, { holdMs: o.holdMs, turnOffsetMs: o.turnOffsetMs });
    const queueDelayMs = sampler.stop();
    const p95 = level.turnLatencyMs.p95;
    const limit = o.p95LimitMs ?? null;
    const withinFactor = p95 !== null && (baselineP95 === null || p95 <= o.latencyFactor * baselineP95);
    const withinLimit = limit === null ? null : p95 !== null && p95 <= limit;
    const passed = level.replied === k && level.rtp.wireGaps === 0 && (withinLimit ?? withinFactor);
    const out: Level = {
      ...level,
      queueDelayMs,
      passed,
      withinFactor,
      withinLimit,
      ...(waiting !== undefined ? { backlogWaiting: waiting } : {}),
    };
    levels.push(out);
    o.log(
      `  p95 ${p95} ms, gaps ${level.rtp.wireGaps}, replied ${level.replied}/${k}, queue delay max ${queueDelayMs.max} ms: ${passed ? "pass" : "fail"}`,
    );
    return out;
  };
  const singles: Level[] = [];
  for (let i = 0; i < o.singleCalls; i++) singles.push(await measure(1, null));
  const baseline = singleCallP95(singles);
  if (!singles.every((l) => l.passed) || baseline === null)
    return {
      capacity: 0,
      capacityByFactor: null as number | null,
      singleCallP95Ms: baseline,
      levels,
      voicemailsProcessed: null as number | null,
    };
  let best = 1;
  let failed: number | null = null;
  for (const k of RAMP.filter((n) => n > 1 && n <= o.maxCalls)) {
    if ((await measure(k, baseline)).passed) best = k;
    else {
      failed = k;
      break;
    }
  }
  // Bisect between the last pass and the first failure (a few levels at most).
  while (failed !== null && failed - best > 1) {
    const mid = Math.floor((best + failed) / 2);
    if ((await measure(mid, baseline)).passed) best = mid;
    else failed = mid;
  }
  return {
    capacity: best,
    // With a limit: the relative rule over the levels measured (the most calls before the first level that missed it).
    capacityByFactor: o.p95LimitMs == null ? best : byFactor(levels),
    singleCallP95Ms: baseline,
    levels,
    voicemailsProcessed: null as number | null,
  };
}

/** The p95 over every single call's latency; null when one of them got no answer. */
function singleCallP95(singles: readonly Level[]): number | null {
  const latencies = singles.flatMap((l) => l.turnLatenciesMs);
  if (latencies.length < singles.length) return null;
  return round(percentile(latencies, 95), 1);
}

function ruleOf(o: CapacityBenchOptions): string {
  const latency =
    o.p95LimitMs == null
      ? `p95 turn latency within ${o.latencyFactor}x the single-call p95 (of ${o.singleCalls} calls)`
      : `p95 turn latency at most ${o.p95LimitMs} ms (capacityByFactor: within ${o.latencyFactor}x the single-call p95 of ${o.singleCalls} calls)`;
  return `${latency}, every call answered, zero wire gaps`;
}

function byFactor(levels: Level[]): number {
  let best = 0;
  for (const l of [...levels].sort((a, b) => a.calls - b.calls)) {
    if (!(l.withinFactor && l.replied === l.calls && l.rtp.wireGaps === 0)) break;
    best = l.calls;
  }
  return best;
}

/** Polls the server's summed live queueing delay (what admission reads) while a level runs. */
class QueueDelaySampler {
  private readonly samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(h: CallsHarness) {
    this.timer = setInterval(() => {
      void h.server.metric("parley_calls_queue_delay_seconds").then(
        (s) => this.samples.push(s * 1000),
        () => undefined,
      );
    }, 500);
  }

  stop(): { max: number; mean: number } {
    clearInterval(this.timer);
    if (this.samples.length === 0) return { max: 0, mean: 0 };
    return {
      max: round(Math.max(...this.samples), 1),
      mean: round(this.samples.reduce((a, b) => a + b, 0) / this.samples.length, 1),
    };
  }
}

/** Voicemails uploaded through the API of the server under test, kept at `size` waiting before each level. */
class Backlog {
  private uploaded = 0;

  constructor(
    private readonly h: CallsHarness,
    private readonly messages: SpokenMessage[],
    private readonly size: number,
  ) {}

  async topUp(): Promise<number> {
    for (let waiting = await this.waiting(); waiting < this.size; waiting++) await this.upload();
    return this.waiting();
  }

  async processed(): Promise<number> {
    return this.h.server.metric('parley_jobs_outcomes_total{kind="voicemail.process",outcome="succeeded"}');
  }

  private async waiting(): Promise<number> {
    const queued = await this.h.server.metric('parley_jobs{kind="voicemail.process",status="queued"}');
    const running = await this.h.server.metric('parley_jobs{kind="voicemail.process",status="running"}');
    return queued + running;
  }

  private async upload(): Promise<void> {
    const i = this.uploaded++;
    // Padding makes every upload distinct (uploads are deduplicated by content).
    const bytes = padded(this.messages[i % this.messages.length]!, 10 + i);
    const res = await fetch(`${this.h.server.http}/v1/voicemails?mailbox=100`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.h.key}`, "content-type": "audio/wav" },
      body: bytes,
    });
    if (res.status !== 201) throw new Error(`voicemail upload answered ${res.status}: ${await res.text()}`);
  }
}
