import type { CheckResult } from "../../../doctor/checks.js";
import type { RoleState } from "../../../engines/host/engine-host.js";
import { Empty, Time } from "../views/components.js";
import type { ModelsView } from "./data.js";

const STATUS_TEXT = { ok: "OK", warn: "Warning", fail: "Failed" } as const;

function size(bytes: number): string {
  if (bytes === 0) return "-";
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** Engines of this server, profiles and installed models, and the doctor's checks. */
export function ModelsBody(p: { engines: RoleState[]; view: ModelsView; doctor: { at: number; results: CheckResult[] } }) {
  return (
    <>
      <section aria-labelledby="eng-h">
        <h2 id="eng-h">Engines of this server</h2>
        {p.engines.length === 0 ? <Empty>This server runs no engines (no profile models resolved).</Empty> : null}
        <table class="data" hidden={p.engines.length === 0}>
          <thead><tr><th scope="col">Role</th><th scope="col">Model</th><th scope="col">Status</th><th scope="col" class="num">Load time</th><th scope="col">Error</th></tr></thead>
          <tbody>
            {p.engines.map((e) => (
              <tr>
                <td>{e.role}</td>
                <td><code>{e.modelId}</code></td>
                <td><span class={`status e-${e.status}`}>{e.status}</span></td>
                <td class="num">{e.loadMs === undefined ? "-" : `${Math.round(e.loadMs)} ms`}</td>
                <td>{e.error ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="prof-h">
        <h2 id="prof-h">Profiles</h2>
        {p.view.catalogError ? <p class="notice error" role="alert">{p.view.catalogError}</p> : null}
        <table class="data">
          <thead><tr><th scope="col">Profile</th><th scope="col">Models (installed or missing)</th><th scope="col">Description</th></tr></thead>
          <tbody>
            {p.view.profiles.map((pr) => (
              <tr>
                <th scope="row">{pr.name}{pr.selected ? <span class="tag">running</span> : null}</th>
                <td>
                  <ul class="plain">
                    {pr.models.map((m) => (
                      <li>{m.role}: <code>{m.id}</code> <span class={m.installed ? "ok" : "bad"}>{m.installed ? "installed" : "missing"}</span></li>
                    ))}
                  </ul>
                  {pr.models.some((m) => !m.installed) ? <span class="hint">Get it with <code>{`parley models pull ${pr.name}`}</code></span> : null}
                </td>
                <td>{pr.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="inst-h">
        <h2 id="inst-h">Installed models</h2>
        {p.view.installed.length === 0 ? <Empty>No models installed.</Empty> : (
          <table class="data">
            <thead><tr><th scope="col">Model</th><th scope="col">Kind</th><th scope="col">Engine</th><th scope="col" class="num">Size</th><th scope="col">Source</th><th scope="col">Installed</th></tr></thead>
            <tbody>
              {p.view.installed.map((m) => (
                <tr>
                  <td><code>{m.id}</code></td>
                  <td>{m.kind}</td>
                  <td>{m.engine}</td>
                  <td class="num">{size(m.bytes)}</td>
                  <td>{m.importedFrom ? "bundle" : m.source.type}</td>
                  <td><Time ms={Date.parse(m.installedAt) || null} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="doc-h">
        <h2 id="doc-h">Doctor</h2>
        <p class="hint">Checked at <Time ms={p.doctor.at} />. <a href="/console/models?doctor=fresh">Check again</a></p>
        <table class="data doctor">
          <thead><tr><th scope="col">Check</th><th scope="col">Result</th><th scope="col">Detail</th><th scope="col">What to do</th></tr></thead>
          <tbody>
            {p.doctor.results.map((r) => (
              <tr class={`check-${r.status}`}>
                <th scope="row">{`${r.group}: ${r.name}`}</th>
                <td><span class={`status c-${r.status}`}>{STATUS_TEXT[r.status]}</span></td>
                <td>{r.detail}</td>
                <td>{r.fix ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
