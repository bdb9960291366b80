import type { TemplateRecord } from "../../../store/repos/templates-repo.js";
import { Empty, Time, Pager } from "../views/components.js";

/** Form fields carry a template's variables as `v.<name>`, so no variable can clash with another field. */
export const VAR_PREFIX = "v.";

/**
 * Templates, each with a "Render and listen" form: it asks for the variables, renders the message through the
 * TTS cache and plays it in the page (templates.js; without script the form opens the WAV itself).
 */
export function TemplateList(p: { templates: TemplateRecord[]; more: string | null }) {
  if (p.templates.length === 0)
    return (
      <Empty>
        No templates. Create one with <code>POST /v1/templates</code> (name, text with {"{variables}"}).
      </Empty>
    );
  return (
    <>
      <ul class="campaigns">
        {p.templates.map((t) => (
          <li class="card" data-template={t.id} aria-labelledby={`tpl-${t.id}-h`}>
            <h2 id={`tpl-${t.id}-h`}>{t.name}</h2>
            {t.description ? <p>{t.description}</p> : null}
            <blockquote>{t.text}</blockquote>
            <p class="hint">
              Updated <Time ms={t.updatedAt} />
            </p>
            <form
              method="get"
              action={`/console/templates/${t.id}/audio.wav`}
              class="filters render-form"
              data-render={t.id}
              aria-label={`Render ${t.name}`}
            >
              {t.variables.map((v) => (
                <div>
                  <label for={`tpl-${t.id}-${v}`}>{v}</label>
                  <input id={`tpl-${t.id}-${v}`} name={`${VAR_PREFIX}${v}`} required maxlength={200} value={v} />
                </div>
              ))}
              <button type="submit" class="primary">
                Render and listen
              </button>
            </form>
            <audio controls preload="none" data-audio-of={t.id} aria-label={`${t.name}, rendered`}></audio>
            <p class="hint" role="status" data-render-status={t.id}></p>
          </li>
        ))}
      </ul>
      <Pager href={p.more} />
    </>
  );
}
