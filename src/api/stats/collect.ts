import { statfs } from "node:fs/promises";
import { TRUNK_REGISTERED, trunkAccount } from "../../sip/index.js";
import { DashboardRepo, type UrgencyCounts } from "../../store/repos/dashboard-repo.js";
import { finalStatuses } from "../../store/repos/notifications-repo.js";
import type { ApiDeps } from "../deps.js";
import { bucketize, dayStarts, hourStarts, type Bucket } from "./buckets.js";

export type StatsDeps = Pick<ApiDeps, "db" | "sql" | "queue" | "engines" | "registry" | "config" | "clock" | "notify">;

/** Everything the home dashboard shows (and GET /v1/stats answers), at one moment. */
export interface Stats {
  generatedAt: number;
  today: { since: number; voicemails: UrgencyCounts & { total: number }; calls: UrgencyCounts & { total: number } };
  openEscalations: number;
  failedVoicemails: number;
  jobs: { queued: number; running: number; failed: number; dead: number };
  campaigns: { id: number; name: string; status: string; total: number; done: number }[];
  /** The last 24 hours by hour, and the last 14 days by day (server time zone), oldest first. */
  series: { hourly: Bucket[]; daily: Bucket[] };
  health: {
    engines: { role: string; model: string; status: string; language: string | null; error: string | null }[];
    enginesReady: boolean;
    disk: { path: string; freeBytes: number; totalBytes: number } | { path: string; error: string };
    /** null when no trunk registration is configured (sip.trunk.register), or this process runs no SIP. */
    sipTrunk: { aor: string; registered: boolean } | null;
  };
}

const total = (c: UrgencyCounts) => Object.values(c).reduce((a, b) => a + b, 0);

/** Reads the stats; each part is one indexed query, the plots one scan of the last 14 days' times. */
export async function collectStats(services: StatsDeps): Promise<Stats> {
  const now = services.clock.now();
  const repo = new DashboardRepo(services.sql);
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const since = midnight.getTime();
  const hours = hourStarts(now, 24);
  const days = dayStarts(now, 14);
  const from = Math.min(hours[0]!, days[0]!);
  const [callTimes, voicemailTimes, turns, voicemails, calls, openEscalations, failedVoicemails] = await Promise.all([
    repo.callTimes(from),
    repo.voicemailTimes(from),
    repo.turnLatencies(from),
    repo.voicemailsByUrgency(since),
    repo.callsByUrgency(since),
    repo.openEscalations(),
    repo.failedVoicemails(),
  ]);
  const raw = { calls: callTimes, voicemails: voicemailTimes, turns };
  const jobs = { queued: 0, running: 0, failed: 0, dead: 0 };
  for (const c of await services.queue.stats()) if (c.status in jobs) jobs[c.status as keyof typeof jobs] += c.count;
  const engines = services.engines.status().map((s) => ({
    role: s.role,
    model: s.modelId,
    status: s.status,
    language: s.language ?? null,
    error: s.error ?? null,
  }));
  return {
    generatedAt: now,
    today: { since, voicemails: { ...voicemails, total: total(voicemails) }, calls: { ...calls, total: total(calls) } },
    openEscalations,
    failedVoicemails,
    jobs,
    campaigns: await activeCampaigns(services),
    series: { hourly: bucketize(hours, raw), daily: bucketize(days, raw) },
    health: {
      engines,
      enginesReady: engines.length > 0 && engines.every((e) => e.status === "ready"),
      disk: await diskOf(services.config.dataDir),
      sipTrunk: await trunkState(services),
    },
  };
}

/** Running and paused campaigns, with how many recipients are done (a final status) of all. */
async function activeCampaigns(services: StatsDeps): Promise<Stats["campaigns"]> {
  // The outbound tables are on the SQL port (shared by the nodes with store.url): the notify context reads them.
  const { campaigns, recipients } = services.notify.context();
  const active = [
    ...(await campaigns.list({ status: "running", limit: 20 })),
    ...(await campaigns.list({ status: "paused", limit: 20 })),
  ];
  const out: Stats["campaigns"] = [];
  for (const c of active) {
    const counts = await recipients.statusCounts(c.id);
    const all = Object.values(counts).reduce((a, b) => a + b, 0);
    const done = finalStatuses.reduce((a, s) => a + counts[s], 0);
    out.push({ id: c.id, name: c.name, status: c.status, total: all, done });
  }
  return out;
}

async function diskOf(path: string): Promise<Stats["health"]["disk"]> {
  try {
    const s = await statfs(path);
    return { path, freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
  } catch (err) {
    return { path, error: (err as Error).message };
  }
}

/** The trunk registration gauge that the SIP port keeps (sip/trunk-registration.ts), when there is one. */
async function trunkState(services: StatsDeps): Promise<Stats["health"]["sipTrunk"]> {
  const aor = trunkAccount(services.config.sip);
  if (!services.config.sip.trunk?.register || !aor) return null;
  const gauge = services.registry.getSingleMetric(TRUNK_REGISTERED);
  if (!gauge) return null;
  const value = (await gauge.get()).values.find((v) => v.labels.aor === aor);
  return { aor, registered: value?.value === 1 };
}
