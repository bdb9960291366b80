import type { KnowledgeDocument, KnowledgeStatus } from "../../../knowledge/index.js";
import { ActionForm, Empty, Facts, Time } from "../views/components.js";

const base = (agent: string) => `/console/agents/${encodeURIComponent(agent)}/knowledge`;

/** An agent's documents: what is indexed, how search runs, upload and delete. */
export function KnowledgeBody(p: {
  agent: string;
  status: KnowledgeStatus;
  documents: KnowledgeDocument[];
  csrf: string;
}) {
  return (
    <>
      <p>
        <a href={`/console/agents/${encodeURIComponent(p.agent)}`}>{`Agent ${p.agent}`}</a> · the documents its{" "}
        <code>search_knowledge</code> tool and its voicemail extraction read
      </p>
      <Facts
        items={[
          ["Documents", String(p.status.documents)],
          ["Chunks", String(p.status.chunks)],
          [
            "Search",
            p.status.embedModel ? `hybrid: BM25 and ${p.status.embedModel} vectors` : "BM25 (no embedding model)",
          ],
          [
            "Vectors",
            p.status.embedModel ? `${p.status.vectors} of ${p.status.chunks} (${p.status.vectorSearch})` : null,
          ],
        ]}
      />
      <section aria-labelledby="docs-h">
        <h2 id="docs-h">Documents</h2>
        {p.documents.length === 0 ? (
          <Empty>No documents yet. Upload one below, or list files under knowledge: in the agent's YAML.</Empty>
        ) : (
          <table class="data">
            <caption class="visually-hidden">Documents</caption>
            <thead>
              <tr>
                <th scope="col">Document</th>
                <th scope="col">Format</th>
                <th scope="col">Version</th>
                <th scope="col">Chunks</th>
                <th scope="col">Size</th>
                <th scope="col">Updated</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {p.documents.map((d) => (
                <tr>
                  <th scope="row">{d.name}</th>
                  <td>{d.format}</td>
                  <td>{String(d.version)}</td>
                  <td>{String(d.chunkCount)}</td>
                  <td>{`${Math.max(1, Math.round(d.bytes / 1024))} KiB`}</td>
                  <td>
                    <Time ms={d.updatedAt} />
                  </td>
                  <td>
                    <ActionForm
                      action={`${base(p.agent)}/${encodeURIComponent(d.name)}/delete`}
                      csrf={p.csrf}
                      label="Delete"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="up-h">
        <h2 id="up-h">Upload a document</h2>
        <form method="post" action={base(p.agent)} enctype="multipart/form-data">
          <input type="hidden" name="_csrf" value={p.csrf} />
          <label for="file">Markdown, plain text, HTML, PDF or DOCX</label>
          <input
            id="file"
            name="file"
            type="file"
            required
            accept=".md,.markdown,.txt,.html,.htm,.pdf,.docx"
            aria-describedby="up-hint"
          />
          <p id="up-hint" class="hint">
            A document with the same name replaces the one indexed (the old version stays until the new one is ready).
          </p>
          <button type="submit" class="primary">
            Upload
          </button>
        </form>
      </section>
    </>
  );
}
