import { CallsRepo } from "../../store/repos/calls-repo.js";
import { renderMessage } from "../../notify/render.js";
import type { Features } from "../../app/features.js";
import type { Infrastructure } from "../../app/infrastructure.js";

/** The running parts a measure drives (a BenchServer). */
export interface BenchApp {
  infra: Infrastructure;
  features: Features;
}
import { percentile, round } from "../stats.js";
import type { BenchCallee } from "./bench-callee.js";

/** Always open: the bench measures the machinery, not the compliance calendar. */
const ANY_TIME = { timeZone: "UTC", start: "00:00", end: "24:00", quietDays: [] as never[], holidays: [] as string[] };
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const signal = () => AbortSignal.timeout(600_000);

/** Renders per second of distinct pieces through the cache: cold (every piece synthesised) then warm (every piece read back). */
export async function benchRenders(app: BenchApp, pieces: number) {
  const voice = app.features.notify.voiceOf(app.infra.config.agents.default);
  const texts = Array.from(
    { length: pieces },
    (_, i) =>
      `Reminder ${i + 1}: your delivery arrives on ${DAYS[i % 7]} between ${8 + (i % 9)} and ${10 + (i % 9)} o'clock.`,
  );
  const pass = async (expectHit: boolean) => {
    const started = performance.now();
    for (const text of texts) {
      const r = await app.features.notify.ttsCache.render(text, voice, signal());
      if (r.hit !== expectHit) throw new Error(`bench: expected a cache ${expectHit ? "hit" : "miss"} for "${text}"`);
    }
    const seconds = (performance.now() - started) / 1000;
    return { seconds: round(seconds, 3), rendersPerSecond: round(pieces / seconds, 1) };
  };
  const cold = await pass(false);
  const warm = await pass(true);
  return { pieces, cold, warm, warmOverCold: round(warm.rendersPerSecond / cold.rendersPerSecond, 1) };
}

/** A campaign of `count` busy callees at `rate` calls per second: INVITE arrival times at the callee against the schedule. */
export async function benchPacing(app: BenchApp, callee: BenchCallee, rate: number, count: number) {
  const campaign = await app.features.notify.createCampaign({
    name: "bench pacing",
    text: "Hello.",
    window: ANY_TIME,
    pacing: { callsPerSecond: rate, maxConcurrent: 1000 },
    amd: false,
  });
  await app.features.notify.importRecipients(
    campaign,
    Array.from({ length: count }, (_, i) => ({
      row: i + 1,
      to: callee.uri(`busy-${i + 1}`),
      timeZone: undefined,
      variables: {},
    })),
  );
  const from = callee.calls.length;
  await app.features.notify.changeCampaign(campaign.id, "start");
  const ctx = app.features.notify.context();
  for (let i = 0; i < 1200 && (await ctx.campaigns.get(campaign.id))?.status === "running"; i++)
    await new Promise((r) => setTimeout(r, 100));
  const arrivals = callee.calls
    .slice(from)
    .map((c) => c.invitedAt)
    .sort((a, b) => a - b);
  const intervals = arrivals.slice(1).map((t, i) => t - (arrivals[i] as number));
  const target = 1000 / rate;
  const spanS = ((arrivals[arrivals.length - 1] ?? 0) - (arrivals[0] ?? 0)) / 1000;
  return {
    calls: arrivals.length,
    configuredPerSecond: rate,
    achievedPerSecond: round((arrivals.length - 1) / spanS, 3),
    rateErrorPct: round(((arrivals.length - 1) / spanS / rate - 1) * 100, 2),
    intervalMs: {
      target: round(target, 1),
      p50: round(percentile(intervals, 50), 1),
      p95: round(percentile(intervals, 95), 1),
      max: round(Math.max(...intervals), 1),
    },
    meanAbsErrorMs: round(intervals.reduce((n, d) => n + Math.abs(d - target), 0) / Math.max(1, intervals.length), 1),
  };
}

const MESSAGE =
  "Hello, this is Acme Plumbing with a reminder about your appointment tomorrow morning. Our engineer will arrive between nine and eleven. Please make sure someone is at home. Thank you, and have a good day.";

/**
 * CPU seconds (process.cpuUsage: every thread, engines included) per
 * delivered notification, then per live call held open for the same time,
 * then per live interaction (the person answers, the agent replies), all
 * against the same callee, one call at a time. The notification's pieces are
 * in the cache (as for every campaign recipient after the first).
 */
export async function benchCpu(app: BenchApp, callee: BenchCallee, calls: number, reply: Int16Array) {
  const agent = app.infra.config.agents.default;
  await renderMessage(
    app.features.notify.ttsCache,
    { text: MESSAGE, variables: {}, voice: app.features.notify.voiceOf(agent) },
    app.infra.config.notify.sentencePauseMs,
    signal(),
  );
  const ctx = app.features.notify.context();
  const notes: { cpu: number; seconds: number }[] = [];
  callee.holdMs = null;
  for (let i = 0; i < calls; i++) {
    const cpu0 = process.cpuUsage();
    const ended = callee.nextEnded();
    const { notification } = await app.features.notify.createNotification({
      to: callee.uri(`hold-note-${i + 1}`),
      text: MESSAGE,
      variables: {},
      window: ANY_TIME,
    });
    const call = await ended;
    for (
      let w = 0;
      w < 300 && !["completed", "failed"].includes((await ctx.notifications.get(notification.id))?.status ?? "");
      w++
    )
      await new Promise((r) => setTimeout(r, 50));
    const n = await ctx.notifications.get(notification.id);
    if (n?.status !== "completed")
      throw new Error(`bench: notification ${notification.id} ended ${n?.status} (${n?.outcome ?? n?.error})`);
    notes.push({ cpu: cpuSeconds(cpu0), seconds: ((call.endedAt ?? 0) - (call.answeredAt ?? 0)) / 1000 });
  }
  const holdS = notes.reduce((a, b) => a + b.seconds, 0) / notes.length;
  const summary = (rows: { cpu: number; seconds: number }[]) => ({
    calls: rows.length,
    callSeconds: round(rows.reduce((a, b) => a + b.seconds, 0) / rows.length, 2),
    cpuSecondsPerCall: round(rows.reduce((a, b) => a + b.cpu, 0) / rows.length, 3),
  });
  const note = summary(notes);
  // (1) A live call of the same length: the agent says the same message with live TTS, then listens.
  const listening = await liveCalls(app, callee, calls, "live", Math.round(holdS * 1000), null);
  // (2) A live interaction: the person answers after the message and the agent replies (ASR, LLM and TTS, live);
  // the call lasts as long as that takes.
  const replyMs = (reply.length / 8000) * 1000;
  const talking = await liveCalls(app, callee, calls, "talk", Math.round(holdS * 1000 + replyMs + 4000), {
    pcm: reply,
    atMs: Math.round(holdS * 1000),
  });
  const listen = summary(listening.rows);
  const talk = summary(talking.rows);
  const ratio = (live: { cpuSecondsPerCall: number }) =>
    round(live.cpuSecondsPerCall / Math.max(note.cpuSecondsPerCall, 1e-6), 2);
  return {
    notification: note,
    liveCall: listen,
    liveInteraction: { ...talk, agentReplies: talking.agentReplies },
    liveOverNotification: ratio(listen),
    interactionOverNotification: ratio(talk),
  };
}

/** Live calls to the callee, one at a time, held `holdMs` by the callee, who says `reply` (or nothing). */
async function liveCalls(
  app: BenchApp,
  callee: BenchCallee,
  calls: number,
  label: string,
  holdMs: number,
  reply: BenchCallee["reply"],
) {
  const agent = app.infra.config.agents.default;
  callee.holdMs = holdMs;
  callee.reply = reply;
  const rows: { cpu: number; seconds: number }[] = [];
  let agentReplies = 0;
  try {
    for (let i = 0; i < calls; i++) {
      const cpu0 = process.cpuUsage();
      const ended = callee.nextEnded();
      const dialed = await app.features.calls.manager!.dial({
        to: callee.uri(`hold-${label}-${i + 1}`),
        agent,
        greeting: MESSAGE,
        context: { source: "bench" },
      });
      const call = await ended;
      await dialed.finished;
      rows.push({ cpu: cpuSeconds(cpu0), seconds: ((call.endedAt ?? 0) - (call.answeredAt ?? 0)) / 1000 });
      // Whether the interaction happened: the agent's answers to the person.
      agentReplies += (await new CallsRepo(app.infra.sql).turns(dialed.callId)).filter(
        (t) => t.role === "agent" && t.source === "speech",
      ).length;
    }
  } finally {
    callee.holdMs = null;
    callee.reply = null;
  }
  return { rows, agentReplies };
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1e6;
}
