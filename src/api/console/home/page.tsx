import type { Stats } from "../../stats/collect.js";
import type { UrgencyCounts } from "../../../store/repos/dashboard-repo.js";
import { SearchBox } from "../search/box.js";
import { Time } from "../views/components.js";
import { LatencyPlot, VolumePlot } from "./plot.js";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const hourLabel = (ms: number) => `${String(new Date(ms).getHours()).padStart(2, "0")}h`;
const dayLabel = (ms: number) => `${new Date(ms).getDate()} ${MONTHS[new Date(ms).getMonth()]}`;

const URGENCY_ROWS = [
  ["5", "Urgent"],
  ["4", "High"],
  ["3", "Medium"],
  ["2", "Low"],
  ["1", "Minimal"],
  ["untriaged", "Untriaged"],
] as const;

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

/** The home page: a search box, then today's work, what needs someone, plots over time and the system's health. */
export function HomeBody({ s }: { s: Stats }) {
  return (
    <div class="home">
      <SearchBox id="home-q" />
      <div id="dashboard" data-generated={s.generatedAt}>
        <DashboardPanel s={s} />
      </div>
    </div>
  );
}

/** The live part of the page (GET /console/home/panel re-renders it when an event arrives). */
export function DashboardPanel({ s }: { s: Stats }) {
  return (
    <>
      <section class="cards" aria-label="Today and what needs someone">
        <UrgencyCard
          id="today-voicemails"
          title="Voicemails today"
          counts={s.today.voicemails}
          href="/console/inbox?status=all"
        />
        <UrgencyCard id="today-calls" title="Calls today" counts={s.today.calls} href="/console/calls" />
        <div class="card" id="attention">
          <h2>Needs someone</h2>
          <dl class="numbers">
            <dt>Open escalations</dt>
            <dd data-stat="escalations">
              <a href="/console/inbox?status=escalated">{s.openEscalations}</a>
            </dd>
            <dt>Failed voicemails</dt>
            <dd data-stat="failed-voicemails">
              <a href="/console/inbox?status=failed">{s.failedVoicemails}</a>
            </dd>
            <dt>Failed jobs (retrying / dead)</dt>
            <dd data-stat="failed-jobs">
              <a href="/console/jobs">{`${s.jobs.failed} / ${s.jobs.dead}`}</a>
            </dd>
          </dl>
        </div>
        <div class="card" id="campaign-progress">
          <h2>Campaigns</h2>
          {s.campaigns.length === 0 ? (
            <p class="empty">No campaign is running.</p>
          ) : (
            <ul class="campaign-bars">
              {s.campaigns.map((c) => (
                <li data-campaign={c.id}>
                  <a href={`/console/campaigns`}>{c.name}</a> <span class="muted">{c.status}</span>
                  <progress max={Math.max(1, c.total)} value={c.done}>{`${c.done} of ${c.total}`}</progress>
                  <span>{`${c.done} of ${c.total} done`}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>
      <section class="plots" aria-label="Over time">
        <h2>Last 24 hours</h2>
        <div class="plot-pair">
          <VolumePlot
            id="plot-volume-24h"
            title="Calls and voicemails per hour"
            buckets={s.series.hourly}
            label={hourLabel}
          />
          <LatencyPlot
            id="plot-latency-24h"
            title="Reply latency per hour"
            buckets={s.series.hourly}
            label={hourLabel}
          />
        </div>
        <h2>Last 14 days</h2>
        <div class="plot-pair">
          <VolumePlot
            id="plot-volume-14d"
            title="Calls and voicemails per day"
            buckets={s.series.daily}
            label={dayLabel}
          />
          <LatencyPlot id="plot-latency-14d" title="Reply latency per day" buckets={s.series.daily} label={dayLabel} />
        </div>
      </section>
      <Health s={s} />
      <p class="muted">
        As of <Time ms={s.generatedAt} />; today counts from <Time ms={s.today.since} /> (server time). Updates live.
      </p>
    </>
  );
}

function UrgencyCard(p: { id: string; title: string; counts: UrgencyCounts & { total: number }; href: string }) {
  return (
    <div class="card" id={p.id}>
      <h2>
        <a href={p.href}>{p.title}</a>{" "}
        <span class="total" data-stat="total">
          {p.counts.total}
        </span>
      </h2>
      <dl class="numbers">
        {URGENCY_ROWS.map(([k, label]) => (
          <>
            <dt>{label}</dt>
            <dd data-urgency={k}>{p.counts[k]}</dd>
          </>
        ))}
      </dl>
    </div>
  );
}

function Health({ s }: { s: Stats }) {
  const h = s.health;
  return (
    <section class="card health" id="health" aria-labelledby="health-h">
      <h2 id="health-h">System health</h2>
      <dl class="numbers">
        <dt>Engines</dt>
        <dd data-stat="engines">
          {h.engines.length === 0 ? "none configured" : h.enginesReady ? "all ready" : "not ready"}
          <ul class="engines">
            {h.engines.map((e) => (
              <li class={`engine e-${e.status}`}>
                {`${e.role}${e.language ? ` (${e.language})` : ""}: ${e.model}, ${e.status}`}
                {e.error ? <span class="muted">{` ${e.error}`}</span> : null}
              </li>
            ))}
          </ul>
        </dd>
        <dt>Disk (data dir)</dt>
        <dd data-stat="disk">
          {"error" in h.disk
            ? `cannot read ${h.disk.path}: ${h.disk.error}`
            : `${gib(h.disk.freeBytes)} free of ${gib(h.disk.totalBytes)}`}
        </dd>
        <dt>SIP trunk</dt>
        <dd data-stat="sip-trunk">
          {h.sipTrunk === null
            ? "no registration configured"
            : `${h.sipTrunk.aor}: ${h.sipTrunk.registered ? "registered" : "not registered"}`}
        </dd>
        <dt>Job queue</dt>
        <dd data-stat="queue">{`${s.jobs.queued} queued, ${s.jobs.running} running`}</dd>
      </dl>
    </section>
  );
}
