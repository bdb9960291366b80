import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createApiKey } from "../../api/auth/api-keys.js";
import type { ParleyConfig } from "../../config/index.js";
import { processEnvironment } from "../../config/runtime.js";
import { sipSection } from "../../config/sections/sip.js";
import { systemClock } from "../../lib/clock.js";
import { silentLogger } from "../../lib/logger.js";
import { modelsDirOf } from "../../models/paths.js";
import { databaseFile } from "../../config/paths.js";
import { createSipPort } from "../../sip/index.js";
import { openDatabase } from "../../store/index.js";
import { ApiKeysRepo } from "../../store/repos/api-keys-repo.js";
import { openSqlStore } from "../../store/sql/index.js";
import { fliteSpeech } from "../flite-speech.js";
import { machineFacts, percentile, round } from "../stats.js";
import { benchCall, type CallMeasure } from "./bench-caller.js";
import { CallerThread } from "./caller-thread.js";
import { ServerProcess } from "./server-process.js";

export interface CallsBenchOptions {
  config: ParleyConfig;
  /** The operator's parley.yaml, handed to the server under test (engine threads, agents, ...). */
  configFile?: string | undefined;
  /** Concurrency levels, e.g. [1, 10, 50]. */
  levels: number[];
  /** Calls go to a server restarted on a data dir that holds its phrases (startCallsHarness). */
  restarted?: boolean;
  log: (line: string) => void;
}

const LINE = "Hello, I would like to book a table.";
const ENDPOINT_SILENCE_MS = 600; // the receptionist's live.endpointSilenceMs: the wait a turn has by design

/**
 * `parley bench calls`: a real `parley serve` (child process) answering K
 * concurrent calls from our own UAC, measured on the wire: turn latency from
 * the caller's last speech packet to the agent's first audible packet, the
 * server's own per-turn timings (to split off endpointing and engine compute),
 * RTP gaps and jitter, CPU and memory per call.
 */
export async function benchCalls(o: CallsBenchOptions) {
  const max = Math.max(...o.levels);
  const harness = await startCallsHarness(o.config, max, {}, o.log, o.configFile, o.restarted === true);
  const levels = [];
  try {
    for (const k of o.levels) {
      o.log(`${k} concurrent call(s)`);
      levels.push(await runLevel(k, harness));
    }
  } finally {
    await harness.close();
  }
  return {
    bench: "calls",
    profile: o.config.profile,
    machine: machineFacts(),
    line: LINE,
    endpointSilenceMs: ENDPOINT_SILENCE_MS,
    restarted: o.restarted === true,
    levels,
  };
}

/** A `parley serve` child on a throwaway data dir, our own UAC, an API key and the caller's line: what call benches share. */
export interface CallsHarness {
  server: ServerProcess;
  sip: Awaited<ReturnType<typeof createSipPort>>;
  key: string;
  speech: Int16Array;
  /** The callers' RTP endpoints, on a thread of their own (caller-thread-entry.ts). */
  caller: CallerThread;
  close(): Promise<void>;
}

/**
 * Starts the harness for up to `maxCalls` concurrent calls; `env` adds PARLEY_* settings for the server.
 * `restarted`: the server is started once, left to render its fixed phrases into the TTS cache, stopped, and
 * started again on the same data dir, so the calls meet a server as it is after every restart of a site: with its
 * phrases on disk, no render made since the start.
 */
export async function startCallsHarness(
  config: ParleyConfig,
  maxCalls: number,
  env: Record<string, string>,
  log: (line: string) => void,
  configFile?: string,
  restarted = false,
): Promise<CallsHarness> {
  const speech = fliteSpeech(LINE);
  const dataDir = mkdtempSync(join(tmpdir(), "parley-bench-calls-"));
  const db = openDatabase(databaseFile({ ...config, dataDir }));
  const sql = openSqlStore(db, config.store);
  let key: string;
  try {
    key = (await createApiKey(new ApiKeysRepo(sql), "bench", systemClock)).key;
  } finally {
    await sql.close();
    db.close();
  }
  log(`starting parley serve (profile ${config.profile}) for up to ${maxCalls} calls`);
  let server: ServerProcess;
  try {
    const args = ["--profile", config.profile, "--data-dir", dataDir, "--http", "127.0.0.1:0", "--sip", "127.0.0.1:0"];
    const start = (settled?: (ready: Record<string, unknown>) => boolean) =>
      ServerProcess.start(
        configFile ? [...args, "--config", resolve(configFile)] : args,
        {
          ...processEnvWithout("PARLEY_"),
          PARLEY_MODELS__DIR: modelsDirOf(config),
          PARLEY_CALLS__MAX_CALLS: String(maxCalls + 5),
          PARLEY_RTP__PORTS__MIN: "40000",
          PARLEY_RTP__PORTS__MAX: String(40000 + 4 * maxCalls + 100),
          PARLEY_LOG__LEVEL: "warn",
          ...env,
        },
        settled,
      );
    if (restarted) {
      log("starting it once to cache its phrases, then again on the same data dir (--restarted)");
      const first = await start((ready) => ready.phrases === "done");
      await first.stop();
    }
    server = await start();
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const sip = await createSipPort(
    sipSection.parse({ listen: { host: "127.0.0.1", port: 0 }, rateLimit: { perSecond: 0 } }),
    { logger: silentLogger() },
  );
  const caller = await CallerThread.start();
  if (caller.priority.got !== "realtime")
    log(
      `the caller thread runs at ${caller.priority.got} priority (${caller.priority.error}): a loaded box can delay what it hears`,
    );
  return {
    server,
    sip,
    key,
    speech,
    caller,
    async close() {
      await caller.terminate();
      await sip.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * K concurrent calls, each speaking the line once and holding `holdMs`: latency on the wire, overhead, RTP, CPU,
 * memory. Call i says its line `i * turnOffsetMs` after its greeting ends (0: all together, the hardest case).
 */
export async function runLevel(k: number, h: CallsHarness, o: { holdMs?: number; turnOffsetMs?: number } = {}) {
  const holdMs = o.holdMs ?? 15_000;
  const { server, sip, speech, key, caller } = h;
  const settledMs = await quietServer(server);
  const cpu0 = server.cpuSeconds();
  const rss0 = server.rssMb();
  const underruns0 = await server.metric("parley_rtp_underruns_total");
  const skipped0 = await server.metric("parley_rtp_send_skipped_frames_total");
  let peakRss = rss0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, server.rssMb())), 200);
  // The caller hears on its own thread: a late event loop there looks like a gap in the agent's audio. Its worst
  // delay, reported beside the gaps, says whether a gap can be the server's (the server's pacer reports underruns).
  await caller.loopDelayMaxMs();
  const started = performance.now();
  const target = `sip:receptionist@${server.sip.host}:${server.sip.port}`;
  const controller = new AbortController();
  const calls = await Promise.all(
    Array.from({ length: k }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 40)); // a realistic arrival spread, not one burst
      const speakAfterMs = i * (o.turnOffsetMs ?? 0);
      return benchCall(sip, caller, target, speech, { holdMs, speakAfterMs, signal: controller.signal });
    }),
  );
  clearInterval(sampler);
  const callerLoopMaxMs = await caller.loopDelayMaxMs();
  const wallS = (performance.now() - started) / 1000;
  const cpuS = server.cpuSeconds() - cpu0;
  const { timings, unmatched } = await serverTimings(server, key, calls);
  const latencies = calls.map((c) => c.turnLatencyMs).filter((x): x is number => x !== null);
  const greetings = calls.map((c) => c.greetingFirstPacketMs).filter((x): x is number => x !== null);
  const overhead: number[] = [];
  const afterAudio: number[] = [];
  const endpoint: number[] = [];
  const compute: number[] = [];
  const audioToRtp: number[] = [];
  const hearingLag: number[] = [];
  const asrFinal: number[] = [];
  const firstToken: number[] = [];
  const tokenToAudio: number[] = [];
  const tokenToChunk: number[] = [];
  const chunkToAudio: number[] = [];
  const modelAsked: number[] = [];
  const modelMs: number[] = [];
  calls.forEach((c, i) => {
    const m = timings[i]?.turnModel;
    if (m?.askedAfterMs !== undefined) modelAsked.push(m.askedAfterMs);
    if (m) modelMs.push(m.ms);
    const e = timings[i]?.endpointMs;
    const a = timings[i]?.ttsFirstAudioMs;
    if (c.turnLatencyMs === null || e === null || e === undefined || a === null || a === undefined) return;
    endpoint.push(e);
    compute.push(a - e);
    // Where the engines' compute went: the final transcript (often before the endpoint: negative), the LLM's
    // first token (prefill), then its first sentence and the TTS's first audio.
    const f = timings[i]?.asrFinalMs;
    const t = timings[i]?.llmFirstTokenMs;
    if (f !== null && f !== undefined) asrFinal.push(f - e);
    if (t !== null && t !== undefined) {
      // The LLM starts at the endpoint decision, or at the final transcript when that comes later.
      firstToken.push(t - Math.max(e, f ?? e));
      tokenToAudio.push(a - t);
      // Of which: decoding until the first chunk (clause or sentence) closes, then its synthesis to first audio.
      const k = timings[i]?.firstChunkMs;
      if (k !== null && k !== undefined) {
        tokenToChunk.push(k - t);
        chunkToAudio.push(a - k);
      }
    }
    // The issue's definition: latency minus the engines' own compute minus the endpointing silence we wait by design
    // (a turn the turn model ended waited for its verdict instead: that wait is the measured endpoint).
    const designWait = timings[i]?.endedBy === "model" ? e : ENDPOINT_SILENCE_MS;
    overhead.push(c.turnLatencyMs - designWait - (a - e));
    afterAudio.push(c.turnLatencyMs - a);
    // The server's clock starts at its estimate of the speech end, which trails the real one by the jitter buffer and
    // the VAD's decision: split the remainder into that lag and the server's own first audio to first packet sent.
    const r = timings[i]?.firstRtpMs;
    if (r !== null && r !== undefined) {
      audioToRtp.push(r - a);
      hearingLag.push(c.turnLatencyMs - r);
    }
  });
  const p = (xs: number[], q: number) => (xs.length ? round(percentile(xs, q), 1) : null);
  return {
    calls: k,
    // How long the level waited for the server's queueing delay to fade from the level before.
    settledMs,
    answered: calls.filter((c) => c.answered).length,
    replied: latencies.length,
    errors: calls
      .filter((c) => c.error)
      .map((c) => c.error)
      .slice(0, 5),
    turnLatencyMs: { p50: p(latencies, 50), p95: p(latencies, 95), p99: p(latencies, 99) },
    // From the 200 OK to the greeting's first audible packet (played from the TTS cache, warmed at start).
    greetingFirstPacketMs: { p50: p(greetings, 50), p95: p(greetings, 95) },
    // What ended each measured turn (silence: "vad", recogniser: "asr", turn model: "model"), and speculative replies.
    turnEnds: countBy(timings.map((t) => t?.endedBy ?? "unknown")),
    ...(unmatched.length > 0 ? { unmatched } : {}),
    // Turns whose deciding verdict was asked at the early silence, before the VAD's own end of speech.
    earlyAsks: timings.filter((t) => t?.turnModel?.early).length,
    speculative: {
      kept: timings.filter((t) => t?.speculation?.kept).length,
      discarded: timings.reduce((n, t) => n + (t?.speculation?.discarded ?? 0), 0),
    },
    // Turns whose first words were synthesised with the LLM paused (engines.llm.firstWordsHoldMs).
    firstWordsPaused: timings.filter((t) => t?.firstWordsPaused).length,
    // Turns whose first words played from memory (engines.tts.openingsMb): the bench's caller gets the same reply each
    // call, so after the first call these are all of them; a real caller's replies open alike less often.
    openingsRecalled: timings.filter((t) => t?.openingRecalled).length,
    // Prompt tokens each reply evaluated before its first token's: what the read-ahead left it.
    replyPromptTokens: tokenStats(timings.map((t) => t?.llmPromptTokens)),
    // Every answered turn, for the histogram in `parley bench report`.
    turnLatenciesMs: latencies.map((x) => round(x, 1)),
    // Each call's turn on the wire beside the server's timings of it, in the order the calls were placed (the first
    // PER_CALL_MAX): a p50 of two calls is the faster one's, and these say where the slower one's time went.
    perCall: calls.slice(0, PER_CALL_MAX).map((c, i) => perCallFigures(c, timings[i] ?? null)),
    frameworkOverheadMs: { p50: p(overhead, 50), p95: p(overhead, 95), target: 20 },
    breakdownMs: {
      endpointP50: p(endpoint, 50),
      // Within the endpoint, when the turn model ended it: asked this long after the last word, answering in modelMs.
      turnModelAskedP50: p(modelAsked, 50),
      turnModelMsP50: p(modelMs, 50),
      engineComputeP50: p(compute, 50),
      asrFinalP50: p(asrFinal, 50),
      llmFirstTokenP50: p(firstToken, 50),
      firstTokenToAudioP50: p(tokenToAudio, 50),
      firstTokenToChunkP50: p(tokenToChunk, 50),
      firstChunkToAudioP50: p(chunkToAudio, 50),
      firstAudioToWireP50: p(afterAudio, 50),
      firstAudioToWireP95: p(afterAudio, 95),
      serverFirstAudioToRtpP50: p(audioToRtp, 50),
      speechEndLagP50: p(hearingLag, 50),
    },
    rtp: {
      jitterMsP95: p(
        calls.map((c) => c.jitterMs),
        95,
      ),
      // Slots a phone with a 40 ms playout delay would have had nothing to play for (caller-endpoint.ts).
      wireGaps: calls.reduce((n, c) => n + c.gaps, 0),
      // Intervals over 40 ms between packets: a packet this caller read more than 20 ms late counts here.
      intervalGaps: calls.reduce((n, c) => n + c.intervalGaps, 0),
      serverUnderruns: (await server.metric("parley_rtp_underruns_total")) - underruns0,
      // Slots the server's media thread skipped after a stall of over 40 ms (on any call, talking or not): beside a
      // wire gap with no underrun, whether the server's sender was late.
      serverSkippedSlots: (await server.metric("parley_rtp_send_skipped_frames_total")) - skipped0,
      // Over 40 ms here, the caller itself may have read a packet after its slot: a gap is not then proof of the
      // server's.
      callerLoopDelayMaxMs: round(callerLoopMaxMs, 1),
    },
    cpu: {
      serverCpuSeconds: round(cpuS, 2),
      percentOfOneCore: round((cpuS / wallS) * 100, 1),
      cpuMsPerCallSecond: round((cpuS * 1000) / (k * wallS), 1),
    },
    memory: {
      rssBeforeMb: round(rss0, 1),
      rssPeakMb: round(peakRss, 1),
      perCallMb: round((peakRss - rss0) / k, 2),
      target: 10,
    },
  };
}

/** A level starts once the server's live queueing delay (what admission reads) is below this. */
const QUIET_MS = 50;
/** ... or after this long. */
const SETTLE_LIMIT_MS = 20_000;

/**
 * Waits until the load of the level before has faded from the server's live
 * queueing delay (half-life 5 s), so each level is measured on its own: run
 * back to back after a slow level, admission refused every call of the next
 * two with 503. Returns how long it waited.
 */
async function quietServer(server: ServerProcess): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < SETTLE_LIMIT_MS) {
    const delayS = await server.metric("parley_calls_queue_delay_seconds").catch(() => 0);
    if (delayS * 1000 <= QUIET_MS) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return Math.round(performance.now() - started);
}

/** An agent turn's timing as the call record has it (TurnTiming): stages in ms, and how the turn ended. */
type ServerTiming = Record<
  "endpointMs" | "asrFinalMs" | "llmFirstTokenMs" | "firstChunkMs" | "ttsFirstAudioMs" | "firstRtpMs",
  number | null | undefined
> & {
  endedBy?: string;
  firstWordsPaused?: true;
  openingRecalled?: true;
  llmPromptTokens?: number;
  speculation?: { kept: boolean; discarded: number };
  turnModel?: { probability: number; ms: number; askedAfterMs?: number; early?: boolean };
};

/** How many calls of a level `perCall` lists. */
const PER_CALL_MAX = 16;

/** One call's latency on the wire and the server's timing of the turn (ms from its estimate of the last word). */
function perCallFigures(c: CallMeasure, t: ServerTiming | null) {
  const ms = (x: number | null | undefined) => (x === null || x === undefined ? null : round(x, 1));
  return {
    turnLatencyMs: ms(c.turnLatencyMs),
    endedBy: t?.endedBy ?? null,
    turnModelMs: ms(t?.turnModel?.ms),
    endpointMs: ms(t?.endpointMs),
    asrFinalMs: ms(t?.asrFinalMs),
    llmFirstTokenMs: ms(t?.llmFirstTokenMs),
    firstChunkMs: ms(t?.firstChunkMs),
    ttsFirstAudioMs: ms(t?.ttsFirstAudioMs),
    firstRtpMs: ms(t?.firstRtpMs),
    openingRecalled: t?.openingRecalled === true,
  };
}

/** The server's own timing of each call's first answered turn, matched by SIP Call-ID. */
async function serverTimings(server: ServerProcess, key: string, calls: CallMeasure[]) {
  const headers = { authorization: `Bearer ${key}` };
  /** What the server recorded of calls that have no answered turn (yet): their turns, as `role:source[:failure]`. */
  const unmatched = new Map<string, string>();
  const timingOf = async (id: number, sipCallId: string) => {
    const detail = (await (await fetch(`${server.http}/v1/calls/${id}`, { headers })).json()) as {
      turns: { role: string; source: string | null; timing: ServerTiming | null; failure?: { stage: string } }[];
    };
    const timing = detail.turns.find((t) => t.role === "agent" && t.source === "speech")?.timing ?? null;
    if (timing === null)
      unmatched.set(
        sipCallId,
        detail.turns.map((t) => [t.role, t.source ?? "?", ...(t.failure ? [t.failure.stage] : [])].join(":")).join(" "),
      );
    return timing;
  };
  // Records are written as each call's session ends, which a loaded server can do seconds after the BYE (one
  // `load-default` call went unaccounted after a fixed 500 ms wait): poll for the ones not there yet, up to 10 s.
  const found = new Map<string, ServerTiming>();
  const deadline = performance.now() + RECORDS_WAIT_MS;
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const list = (await (await fetch(`${server.http}/v1/calls?limit=200`, { headers })).json()) as {
      items: { id: number; sipCallId: string }[];
    };
    const byCallId = new Map(list.items.map((c) => [c.sipCallId, c.id]));
    await Promise.all(
      calls.map(async (c) => {
        const id = byCallId.get(c.sipCallId);
        if (found.has(c.sipCallId) || id === undefined) return;
        const timing = await timingOf(id, c.sipCallId);
        if (timing) found.set(c.sipCallId, timing);
      }),
    );
    if (calls.every((c) => found.has(c.sipCallId) || c.turnLatencyMs === null) || performance.now() > deadline) break;
  }
  return {
    timings: calls.map((c) => found.get(c.sipCallId) ?? null),
    // Calls the caller heard an answer on that the server has no answered turn for (its words recorded and no reply,
    // say): what it recorded instead, in the order the calls were placed.
    unmatched: calls.flatMap((c, i) =>
      c.turnLatencyMs !== null && !found.has(c.sipCallId)
        ? [`call ${i + 1}: ${unmatched.get(c.sipCallId) ?? "no record"}`]
        : [],
    ),
  };
}

/** How long the bench waits for the server to write a level's call records. */
const RECORDS_WAIT_MS = 10_000;

/** The median and the largest of the figures the records have (older servers: none). */
function tokenStats(xs: (number | undefined)[]): { p50: number | null; max: number | null } {
  const have = xs.filter((x): x is number => x !== undefined);
  return { p50: have.length ? percentile(have, 50) : null, max: have.length ? Math.max(...have) : null };
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** The child gets its own PARLEY_* settings, not the bench's. */
function processEnvWithout(prefix: string): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(processEnvironment()).filter(([k]) => !k.startsWith(prefix)));
}
