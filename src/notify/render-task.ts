import { z } from "zod";
import type { TaskDefinition } from "../jobs/index.js";
import type { NotifyDeps } from "./deps.js";
import { finalStatuses } from "../store/repos/notifications-repo.js";
import { notifyContext, voiceOf, languageOf } from "./context.js";
import { renderMessage } from "./render.js";

const payload = z.object({ notificationId: z.number().int().positive() });

/**
 * notify.render: renders a notification's pieces into the TTS cache as soon
 * as it is created, so the call itself only reads files. Static pieces a
 * campaign shares are rendered by the first recipient and hit by the rest.
 */
export function renderTask(services: NotifyDeps): TaskDefinition<z.infer<typeof payload>, unknown> {
  return {
    parsePayload: (raw) => payload.parse(raw),
    // TTS is inference: it shares the inference cap with ASR and the LLM.
    inference: true,
    timeoutMs: 5 * 60_000,
    run: async (p, helpers) => {
      const n = await notifyContext(services).notifications.get(p.notificationId);
      if (!n || finalStatuses.includes(n.status)) return { skipped: n?.status ?? "deleted" };
      const r = await renderMessage(
        services.ttsCache,
        {
          text: n.text,
          variables: n.variables,
          disclosure: n.disclosure,
          menu: n.menu,
          voice: voiceOf(services, n.agent),
          language: languageOf(services, n.agent),
        },
        services.config.notify.sentencePauseMs,
        helpers.signal,
      );
      return { pieces: r.pieces, hits: r.hits, misses: r.misses, durationMs: r.durationMs };
    },
  };
}
