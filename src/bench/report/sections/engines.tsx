import { BarChart } from "../charts/index.js";
import { list, num, type LoadedReport } from "../load.js";

/** `parley bench engines`: real-time factor per engine, and the LLM against a bare node-llama-cpp loop. */
export function EnginesSection(p: { reports: LoadedReport[] }) {
  const many = p.reports.length > 1;
  const g = (r: LoadedReport) => (many ? { group: r.name } : {});
  const engines = (r: LoadedReport) => list(r.data, "engines");
  const llm = (r: LoadedReport) => engines(r).find((e) => e.role === "llm");
  return (
    <>
      <BarChart
        title="Real-time factor per engine (compute time / audio time; lower is faster, under 1 keeps up with speech)"
        unit="RTF"
        bars={p.reports.flatMap((r) =>
          engines(r)
            .filter((e) => e.role !== "llm")
            .map((e) => ({ label: String(e.role), value: num(e, "rtf") ?? NaN, ...g(r) })),
        )}
        target={{ value: 1, label: "real time" }}
      />
      <BarChart
        title="LLM tokens per second (median): Parley's engine against a bare node-llama-cpp loop on the same model"
        unit="tokens / s"
        bars={p.reports.flatMap((r) => [
          { label: "parley", value: num(llm(r), "parley.tokensPerSecP50") ?? NaN, ...g(r) },
          { label: "bare loop", value: num(llm(r), "bare.tokensPerSecP50") ?? NaN, ...g(r) },
        ])}
      />
      <BarChart
        title="LLM time to first token (median)"
        unit="ms"
        bars={p.reports.flatMap((r) => [
          { label: "parley", value: num(llm(r), "parley.ttftMsP50") ?? NaN, ...g(r) },
          { label: "bare loop", value: num(llm(r), "bare.ttftMsP50") ?? NaN, ...g(r) },
        ])}
      />
      <BarChart
        title="Engine load time"
        unit="ms"
        bars={p.reports.flatMap((r) =>
          engines(r).map((e) => ({ label: String(e.role), value: num(e, "loadMs") ?? NaN, ...g(r) })),
        )}
      />
    </>
  );
}
