import { z } from "zod";

/**
 * The DTMF menu played after a message to a human: digits to actions
 * ({"1": "confirm", "2": "transfer", "9": "opt_out"}). The prompt is said
 * in the agent's voice; without one it is written from the options.
 */

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

const PHRASES: Record<MenuAction, string> = {
  confirm: "to confirm",
  transfer: "to speak to someone",
  callback: "to be called back later",
  opt_out: "to stop receiving these calls",
  repeat: "to hear this message again",
};

const KEY_NAMES: Record<string, string> = { "*": "star", "#": "pound" };

/** What the menu says: its own prompt, or "Press 1 to confirm. Press 9 to stop receiving these calls." */
export function menuPromptText(menu: Menu): string {
  if (menu.prompt) return menu.prompt;
  return Object.entries(menu.options)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, action]) => `Press ${KEY_NAMES[key] ?? key} ${PHRASES[action]}.`)
    .join(" ");
}
