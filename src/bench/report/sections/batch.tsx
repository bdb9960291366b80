import { BarChart } from "../charts/index.js";
import { num, type LoadedReport } from "../load.js";

const QUEUE_OPS = ["enqueue", "enqueueBulk", "claim", "claimBatch50", "complete", "cycle", "worker"];

/** `parley bench batch`: pipeline throughput, time to triage behind a backlog, and the queue alone. */
export function BatchSection(p: { reports: LoadedReport[] }) {
  const many = p.reports.length > 1;
  const group = (r: LoadedReport) => (many ? r.name : undefined);
  const bars = (path: string, label: string) =>
    p.reports.map((r) => ({ label, value: num(r.data, path) ?? NaN, ...(group(r) ? { group: group(r) } : {}) }));
  const target = num(p.reports[0]?.data, "triage.targetMs");
  return (
    <>
      <BarChart
        title="Voicemails through the whole pipeline per minute"
        unit="voicemails / min"
        bars={bars("throughput.voicemailsPerMinute", "voicemails/min")}
      />
      <BarChart
        title="Recorded audio processed per minute of CPU"
        unit="audio min / CPU min"
        bars={bars("throughput.audioMinutesPerCpuMinute", "audio/CPU")}
      />
      <BarChart
        title="Time to triage a fresh voicemail behind a backlog (upload to results saved)"
        unit="ms"
        bars={p.reports.flatMap((r) =>
          ["p50Ms", "p95Ms", "maxMs", "fifoEstimateMs"].map((k) => ({
            label: k === "fifoEstimateMs" ? "FIFO estimate" : k.replace("Ms", ""),
            value: num(r.data, `triage.${k}`) ?? NaN,
            ...(group(r) ? { group: group(r) } : {}),
          })),
        )}
        {...(target ? { target: { value: target, label: `the ${target} ms triage target` } } : {})}
      />
      <BarChart
        title="The job queue alone (SQLite backend)"
        unit="jobs / s"
        bars={p.reports.flatMap((r) =>
          QUEUE_OPS.map((op) => ({
            label: op,
            value: num(r.data, `queue.throughput.${op}`) ?? NaN,
            ...(group(r) ? { group: group(r) } : {}),
          })),
        )}
      />
    </>
  );
}
