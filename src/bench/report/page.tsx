import type { Child } from "hono/jsx";
import { fmt } from "./charts/index.js";
import type { BenchKind, LoadedReport } from "./load.js";
import { BatchSection } from "./sections/batch.js";
import { CallsSection } from "./sections/calls.js";
import { EnginesSection } from "./sections/engines.js";
import { NotifySection } from "./sections/notify.js";

const SECTIONS: { kind: BenchKind; title: string; make: string; body: (r: LoadedReport[]) => Child }[] = [
  {
    kind: "calls",
    title: "Live calls",
    make: "parley bench calls --calls 1,10,50 --json > calls.json",
    body: (r) => <CallsSection reports={r} />,
  },
  {
    kind: "batch",
    title: "Batch (voicemail) pipeline and queue",
    make: "parley bench batch --json > batch.json",
    body: (r) => <BatchSection reports={r} />,
  },
  {
    kind: "notify",
    title: "Notifications: TTS cache, pacing, CPU",
    make: "parley bench notify --json > notify.json",
    body: (r) => <NotifySection reports={r} />,
  },
  {
    kind: "engines",
    title: "Engines",
    make: "parley bench engines --json > engines.json",
    body: (r) => <EnginesSection reports={r} />,
  },
];

const CSS = `
body{font:15px/1.45 system-ui,sans-serif;color:#1d232c;background:#fff;max-width:980px;margin:2rem auto;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:2px solid #e1e4e8;padding-bottom:.2rem;margin-top:2.2rem}
figure{margin:1.2rem 0}svg.chart{width:100%;height:auto;max-width:760px;display:block}
figcaption{font-size:.9rem;color:#3b4350}.legend{list-style:none;padding:0;display:flex;gap:1rem;flex-wrap:wrap;margin:.3rem 0}
table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #d5d9de;padding:.2rem .5rem;text-align:left}
td{font-variant-numeric:tabular-nums}caption{text-align:left;font-weight:600;padding:.3rem 0}
.note{color:#4a5361;font-style:italic}.problem{color:#7d0016}code{background:#eef0f3;padding:0 .2rem;border-radius:3px}
details summary{cursor:pointer;color:#0b57d0}
`;

/** The whole report: inputs, one section per bench (saying how to make a missing one), and every figure of every file. */
export function ReportPage(p: { reports: LoadedReport[]; generatedAt: Date }) {
  const used = p.reports.filter((r) => r.kind !== null);
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>Parley benchmark report</title>
        <style>{CSS}</style>
      </head>
      <body>
        <main>
          <h1>Parley benchmark report</h1>
          <p>{`Made ${p.generatedAt.toISOString().slice(0, 16).replace("T", " ")} UTC by parley bench report from ${p.reports.length} file(s). Compare figures within one machine: shared machines are noisy.`}</p>
          <Inputs reports={p.reports} />
          {SECTIONS.map((s) => {
            const mine = used.filter((r) => r.kind === s.kind);
            return (
              <section>
                <h2>{s.title}</h2>
                {mine.length ? (
                  s.body(mine)
                ) : (
                  <p class="note">
                    No report of this kind was given. Make one with <code>{s.make}</code>.
                  </p>
                )}
              </section>
            );
          })}
          <section>
            <h2>Every figure</h2>
            {used.map((r) => (
              <AllFigures report={r} />
            ))}
          </section>
        </main>
      </body>
    </html>
  );
}

function Inputs(p: { reports: LoadedReport[] }) {
  return (
    <table>
      <caption>Inputs</caption>
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">Bench</th>
          <th scope="col">Profile</th>
          <th scope="col">Machine</th>
        </tr>
      </thead>
      <tbody>
        {p.reports.map((r) => (
          <tr>
            <td>{r.name}</td>
            <td>{r.kind ?? <span class="problem">{`skipped: ${r.problem ?? ""}`}</span>}</td>
            <td>{typeof r.data.profile === "string" ? r.data.profile : "-"}</td>
            <td>
              {r.data.machine && typeof r.data.machine === "object"
                ? Object.entries(r.data.machine as Record<string, unknown>)
                    .map(([k, v]) => `${k} ${String(v)}`)
                    .join(", ")
                : "-"}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every number of a report by its path: nothing a chart left out is lost. */
export function flatten(o: unknown, path = "", out: [string, number][] = []): [string, number][] {
  if (typeof o === "number" && Number.isFinite(o)) out.push([path, o]);
  else if (Array.isArray(o)) {
    // Raw samples are what the histograms are for; listing hundreds of them helps nobody.
    if (o.length <= 50) o.forEach((v, i) => flatten(v, `${path}[${i}]`, out));
  } else if (o && typeof o === "object")
    for (const [k, v] of Object.entries(o)) flatten(v, path ? `${path}.${k}` : k, out);
  return out;
}

function AllFigures(p: { report: LoadedReport }) {
  const rows = flatten(p.report.data);
  return (
    <details>
      <summary>{`${p.report.name} (${rows.length} figures)`}</summary>
      <table>
        <tbody>
          {rows.map(([k, v]) => (
            <tr>
              <td>
                <code>{k}</code>
              </td>
              <td>{fmt(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
