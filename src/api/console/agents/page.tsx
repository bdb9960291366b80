import type { AgentEntry } from "../../../agent/registry.js";
import { Empty } from "../views/components.js";

export type ValidationResult =
  | { valid: true; name: string; normalized: string }
  | { valid: false; message: string; issues: { path: string; message: string }[] };

/** Every agent, where it is defined, and what answers which mailbox. */
export function AgentList(p: { agents: AgentEntry[] }) {
  if (p.agents.length === 0)
    return <Empty>No agents. Put YAML files in the agents folder or POST to /v1/agents.</Empty>;
  return (
    <table class="data">
      <caption class="visually-hidden">Agents</caption>
      <thead>
        <tr>
          <th scope="col">Agent</th>
          <th scope="col">Defined in</th>
          <th scope="col">Voicemail mailboxes</th>
          <th scope="col">Form</th>
          <th scope="col">Greeting</th>
        </tr>
      </thead>
      <tbody>
        {p.agents.map(({ agent, source }) => (
          <tr>
            <th scope="row">
              <a href={`/console/agents/${encodeURIComponent(agent.name)}`}>{agent.name}</a>
            </th>
            <td>{source === "file" ? "YAML file" : "API"}</td>
            <td>{agent.voicemail.mailboxes.join(", ") || "-"}</td>
            <td>{agent.form ? agent.form.mailboxes.join(", ") : "-"}</td>
            <td>{agent.live.greeting}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A pasted YAML or JSON definition, checked without saving it. */
export function ValidateForm(p: { csrf: string; text: string; result: ValidationResult | null }) {
  return (
    <section aria-labelledby="val-h">
      <h2 id="val-h">Validate a definition</h2>
      <form method="post" action="/console/agents/validate">
        <input type="hidden" name="_csrf" value={p.csrf} />
        <label for="definition">Agent definition (YAML or JSON)</label>
        <textarea id="definition" name="definition" rows={14} spellcheck={false} required aria-describedby="def-hint">
          {p.text}
        </textarea>
        <p id="def-hint" class="hint">
          Nothing is saved: this only checks the definition and shows it with the defaults filled in.
        </p>
        <button type="submit" class="primary">
          Validate
        </button>
      </form>
      {p.result ? <Result result={p.result} /> : null}
    </section>
  );
}

function Result(p: { result: ValidationResult }) {
  const r = p.result;
  if (r.valid) {
    return (
      <div class="result" role="status" id="validation">
        <p class="notice ok">{`Valid: agent '${r.name}'.`}</p>
        <details>
          <summary>With defaults filled in</summary>
          <pre>{r.normalized}</pre>
        </details>
      </div>
    );
  }
  return (
    <div class="result" role="alert" id="validation">
      <p class="notice error">Not valid.</p>
      {r.issues.length ? (
        <ul class="issues">
          {r.issues.map((i) => (
            <li>
              <code>{i.path || "(top level)"}</code>: {i.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>{r.message}</p>
      )}
    </div>
  );
}
