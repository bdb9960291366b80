import { BarChart, fmt } from "../charts/index.js";
import { num, type LoadedReport } from "../load.js";

export interface CacheFigure {
  path: string;
  hits: number | null;
  misses: number | null;
  ratio: number;
}

/**
 * Every cache hit ratio the report holds, wherever it sits: an object with
 * numeric `hits` and `misses` (or a `hitRatio`), so a figure added to the
 * notify bench later is drawn without a change here.
 */
export function findCaches(o: unknown, path = ""): CacheFigure[] {
  if (!o || typeof o !== "object") return [];
  if (Array.isArray(o)) return o.flatMap((v, i) => findCaches(v, `${path}[${i}]`));
  const r = o as Record<string, unknown>;
  const out: CacheFigure[] = [];
  const hits = typeof r.hits === "number" ? r.hits : null;
  const misses = typeof r.misses === "number" ? r.misses : null;
  const given = typeof r.hitRatio === "number" ? r.hitRatio : null;
  if (given !== null || (hits !== null && misses !== null && hits + misses > 0)) {
    out.push({
      path: path || "cache",
      hits,
      misses,
      ratio: given ?? (hits as number) / ((hits as number) + (misses as number)),
    });
  }
  for (const [k, v] of Object.entries(r))
    if (v && typeof v === "object") out.push(...findCaches(v, path ? `${path}.${k}` : k));
  return out;
}

/** `parley bench notify`: what the TTS cache buys, how closely campaigns keep their pace, and CPU per delivery. */
export function NotifySection(p: { reports: LoadedReport[] }) {
  const many = p.reports.length > 1;
  const g = (r: LoadedReport) => (many ? { group: r.name } : {});
  const speedups = p.reports.map((r) => num(r.data, "renders.warmOverCold")).filter((v): v is number => v !== null);
  const caches = p.reports.flatMap((r) =>
    findCaches(r.data).map((c) => ({ label: c.path, value: c.ratio * 100, ...g(r) })),
  );
  return (
    <>
      <BarChart
        title={`TTS renders per second: cold (synthesised) and warm (read from the cache)${speedups.length ? `; the cache makes them ${speedups.map((s) => `${fmt(s)}x`).join(", ")} faster` : ""}`}
        unit="renders / s"
        bars={p.reports.flatMap((r) => [
          { label: "cold", value: num(r.data, "renders.cold.rendersPerSecond") ?? NaN, ...g(r) },
          { label: "warm", value: num(r.data, "renders.warm.rendersPerSecond") ?? NaN, ...g(r) },
        ])}
      />
      {caches.length ? <BarChart title="Cache hit ratio" unit="% hits" bars={caches} /> : null}
      <BarChart
        title="Campaign pacing: time between dials"
        unit="ms"
        bars={p.reports.flatMap((r) =>
          ["p50", "p95", "max"].map((q) => ({
            label: q,
            value: num(r.data, `pacing.intervalMs.${q}`) ?? NaN,
            ...g(r),
          })),
        )}
        {...(num(p.reports[0]?.data, "pacing.intervalMs.target")
          ? {
              target: {
                value: num(p.reports[0]?.data, "pacing.intervalMs.target") as number,
                label: "the configured interval",
              },
            }
          : {})}
      />
      <BarChart
        title="CPU seconds per call: a delivered notification against a live call of the same length"
        unit="CPU s / call"
        bars={p.reports.flatMap((r) => [
          { label: "notification", value: num(r.data, "cpu.notification.cpuSecondsPerCall") ?? NaN, ...g(r) },
          { label: "live call", value: num(r.data, "cpu.liveCall.cpuSecondsPerCall") ?? NaN, ...g(r) },
        ])}
      />
    </>
  );
}
