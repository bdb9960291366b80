import { BarChart, Histogram, LineChart, fmt, type Series } from "../charts/index.js";
import { list, num, type LoadedReport } from "../load.js";

/** `parley bench calls`: latency across concurrency levels, and how single turns spread. */
export function CallsSection(p: { reports: LoadedReport[] }) {
  const many = p.reports.length > 1;
  const series: Series[] = p.reports.flatMap((r) => {
    const levels = list(r.data, "levels");
    const pick = (q: string) =>
      levels.map((l) => ({ x: num(l, "calls") ?? NaN, y: num(l, `turnLatencyMs.${q}`) ?? NaN }));
    return many
      ? [{ name: `${r.name} p95`, points: pick("p95") }]
      : [
          { name: "p50", points: pick("p50") },
          { name: "p95", points: pick("p95") },
          { name: "p99", points: pick("p99") },
        ];
  });
  return (
    <>
      <LineChart
        title="Concurrent calls vs turn latency on the wire (caller's last speech packet to the agent's first audible packet)"
        xLabel="concurrent calls"
        yLabel="ms"
        series={series}
      />
      {p.reports.map((r) => (
        <CallsFile report={r} label={many ? r.name : ""} />
      ))}
    </>
  );
}

function CallsFile(p: { report: LoadedReport; label: string }) {
  const levels = list(p.report.data, "levels");
  const samples = levels.flatMap((l) =>
    Array.isArray(l.turnLatenciesMs)
      ? (l.turnLatenciesMs as unknown[]).filter((v): v is number => typeof v === "number")
      : [],
  );
  const endpoint = num(p.report.data, "endpointSilenceMs");
  const prefix = p.label ? `${p.label}: ` : "";
  return (
    <>
      {samples.length ? (
        <Histogram
          title={`${prefix}Turn latency, every answered turn of every level`}
          unit="ms"
          values={samples}
          {...(endpoint
            ? { target: { value: endpoint, label: `the ${endpoint} ms of silence the endpointer waits by design` } }
            : {})}
        />
      ) : (
        <>
          <p class="note">{`${prefix}no per-turn samples in this report (made before parley bench calls kept them), so no histogram; the percentiles per level instead.`}</p>
          <BarChart
            title={`${prefix}Turn latency percentiles per level`}
            unit="ms"
            bars={levels.flatMap((l) =>
              ["p50", "p95", "p99"].map((q) => ({
                label: `${num(l, "calls") ?? "?"} calls`,
                group: q,
                value: num(l, `turnLatencyMs.${q}`) ?? NaN,
              })),
            )}
          />
        </>
      )}
      <table class="figures">
        <caption>{`${prefix}per level`}</caption>
        <thead>
          <tr>
            {[
              "calls",
              "answered",
              "replied",
              "p50 ms",
              "p95 ms",
              "p99 ms",
              "overhead p95 ms",
              "underruns",
              "CPU % of a core",
              "MB per call",
            ].map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {levels.map((l) => (
            <tr>
              {[
                "calls",
                "answered",
                "replied",
                "turnLatencyMs.p50",
                "turnLatencyMs.p95",
                "turnLatencyMs.p99",
                "frameworkOverheadMs.p95",
                "rtp.serverUnderruns",
                "cpu.percentOfOneCore",
                "memory.perCallMb",
              ].map((k) => {
                const v = num(l, k);
                return <td>{v === null ? "-" : fmt(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
