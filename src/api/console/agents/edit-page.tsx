import type { AgentVersionSummary } from "../../../store/repos/agents-repo.js";
import { ActionForm, Empty, Time } from "../views/components.js";

/** A field the save refused: its path (as zod names it), why, and where it is in the operator's YAML. */
export interface FieldIssue {
  path: string;
  message: string;
  line: number | null;
}

const agentHref = (name: string) => `/console/agents/${encodeURIComponent(name)}`;

/** The definition as YAML in a textarea, with the save's errors beside it; the text is never lost on an error. */
export function EditForm(p: {
  name: string;
  csrf: string;
  text: string;
  error: { message: string; issues: FieldIssue[] } | null;
}) {
  const action = `${agentHref(p.name)}/edit`;
  return (
    <section aria-labelledby="edit-h" class="editor">
      <h2 id="edit-h">Definition</h2>
      <form method="post" action={action}>
        <input type="hidden" name="_csrf" value={p.csrf} />
        <div class="editor-panes">
          <div>
            <label for="definition">{`Agent '${p.name}' as YAML`}</label>
            <textarea
              id="definition"
              name="definition"
              rows={28}
              spellcheck={false}
              required
              aria-invalid={p.error ? "true" : undefined}
              aria-describedby={p.error ? "save-errors edit-hint" : "edit-hint"}
            >
              {p.text}
            </textarea>
            <p id="edit-hint" class="hint">
              Saved through the same validation as the API; the previous definition stays in the history below. HTTP
              tools' auth values are shown as <code>valueSet: true</code> and kept when left so.
            </p>
          </div>
          {p.error ? <SaveErrors error={p.error} /> : null}
        </div>
        <button type="submit" class="primary">
          Save
        </button>
      </form>
    </section>
  );
}

function SaveErrors(p: { error: { message: string; issues: FieldIssue[] } }) {
  return (
    <div id="save-errors" class="result" role="alert">
      <p class="notice error">Not saved: the definition is not valid.</p>
      {p.error.issues.length ? (
        <ul class="issues">
          {p.error.issues.map((i) => (
            <li data-path={i.path}>
              <code>{i.path || "(top level)"}</code>
              {i.line !== null ? <span class="hint">{` (line ${i.line})`}</span> : null}: {i.message}
            </li>
          ))}
        </ul>
      ) : (
        <p>{p.error.message}</p>
      )}
    </div>
  );
}

/** Every saved definition, newest first: who saved it and when, a view with its diff, and restore. */
export function VersionHistory(p: { name: string; csrf: string; versions: AgentVersionSummary[] }) {
  return (
    <section aria-labelledby="hist-h">
      <h2 id="hist-h">Version history</h2>
      {p.versions.length === 0 ? (
        <Empty>No versions yet.</Empty>
      ) : (
        <table class="data" id="versions">
          <caption class="visually-hidden">Saved versions of {p.name}, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Saved</th>
              <th scope="col">By</th>
              <th scope="col">Note</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {p.versions.map((v, i) => (
              <tr data-version={String(v.version)}>
                <th scope="row">
                  <a href={`${agentHref(p.name)}/versions/${v.version}`}>{`v${v.version}`}</a>
                </th>
                <td>
                  <Time ms={v.savedAt} />
                </td>
                <td>{v.savedBy ?? "(before history was kept)"}</td>
                <td>
                  {[i === 0 ? "current" : "", v.restoredFrom !== null ? `restored from v${v.restoredFrom}` : ""]
                    .filter(Boolean)
                    .join("; ") || "-"}
                </td>
                <td>
                  {i === 0 ? null : (
                    <ActionForm
                      action={`${agentHref(p.name)}/versions/${v.version}/restore`}
                      csrf={p.csrf}
                      label={`Restore v${v.version}`}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** One old version: its YAML and what changed from it to the current definition. */
export function VersionView(p: {
  name: string;
  csrf: string;
  version: AgentVersionSummary;
  current: boolean;
  yaml: string;
  diff: string;
}) {
  const v = p.version;
  return (
    <>
      <p>
        <a href={`${agentHref(p.name)}/edit`}>Back to the editor</a> · saved <Time ms={v.savedAt} /> by{" "}
        {v.savedBy ?? "(before history was kept)"}
        {v.restoredFrom !== null ? ` · restored from v${v.restoredFrom}` : ""}
      </p>
      {p.current ? (
        <p class="notice ok">This is the current definition.</p>
      ) : (
        <ActionForm
          action={`${agentHref(p.name)}/versions/${v.version}/restore`}
          csrf={p.csrf}
          label={`Restore v${v.version}`}
          kind="primary"
        />
      )}
      <section aria-labelledby="diff-h">
        <h2 id="diff-h">{`Changes from v${v.version} to the current definition`}</h2>
        {p.diff ? (
          <pre class="diff" id="diff">
            {p.diff}
          </pre>
        ) : (
          <p id="diff">No differences.</p>
        )}
      </section>
      <section aria-labelledby="yaml-h">
        <h2 id="yaml-h">{`v${v.version} as YAML`}</h2>
        <pre class="definition">{p.yaml}</pre>
      </section>
    </>
  );
}

/** A file agent is not edited here: Parley never writes the operator's files. */
export function FileAgentNotice(p: { name: string }) {
  return (
    <p class="notice error" role="status">
      {`Agent '${p.name}' is defined in a YAML file in the agents folder. Parley does not change those files: edit the file (its history is the file's, e.g. in git) and restart or reload Parley. Agents made through the API or here can be edited.`}
    </p>
  );
}
