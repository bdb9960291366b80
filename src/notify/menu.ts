import { z } from "zod";

/**
 * The DTMF menu played after a message to a human: digits to actions
 * ({"1": "confirm", "2": "transfer", "9": "opt_out"}). The prompt is said
 * in the agent's voice; without one it is written from the options.
 */

import { phrasesFor } from "../agent/phrases/index.js";
import { menuActions, type Menu, type MenuAction } from "../store/records/outbound.js";

export { menuActions, type Menu, type MenuAction };

const options = z
  .record(z.string().regex(/^[0-9*#]$/, "a single key: 0-9, * or #"), z.enum(menuActions))
  .refine((o) => Object.keys(o).length > 0, { message: "at least one option" });

/** `{"1": "confirm", ...}`, or `{options: {...}, prompt: "..."}` to say something other than the default prompt. */
export const menuSchema = z
  .union([z.object({ options, prompt: z.string().min(1).max(500).optional() }).strict(), options])
  .transform((m): Menu =>
    "options" in m && typeof m.options === "object" ? (m as Menu) : { options: m as Record<string, MenuAction> },
  );

/**
 * What the menu says: its own prompt, or one line per option in the agent's language ("Press 1 to confirm.
 * Press 9 to stop receiving these calls.", "Drücken Sie die 1, um zu bestätigen."); English for a language
 * Parley has no phrases for.
 */
export function menuPromptText(menu: Menu, language = "en"): string {
  if (menu.prompt) return menu.prompt;
  const { option } = phrasesFor(language).menu;
  return Object.entries(menu.options)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, action]) => option(key, action))
    .join(" ");
}
