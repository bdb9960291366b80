import { defaultSafeContexts } from "./context-words.js";
import { nationalIdSchemes, type RedactionRules } from "./types.js";

/**
 * Keys whose values stay exact: identifiers and timestamps (a record must
 * still point at its call, job or event), and the type tags of events and
 * logs. `callerId` / `caller_id` are deliberately not among them: they hold a
 * phone number.
 */
export const defaultPreserveKeys: readonly string[] = [
  "id",
  "ids",
  "/^(?!caller).*(?:Id|Ids|_id|_ids)$/",
  "/(?:At|_at)$/",
  "timestamp",
  "ts",
  "type",
  "kind",
  "event",
  "status",
  "level",
  "code",
  "sha256",
  "hash",
  "pid",
  "hostname",
  "service",
];

/** The rules a site gets without saying anything: cards and national IDs masked, as labels. */
export const defaultRedactionRules: RedactionRules = {
  kinds: ["card", "nationalId"],
  nationalIds: nationalIdSchemes,
  mask: "label",
  spokenDigits: true,
  safeContexts: defaultSafeContexts,
  custom: [],
  preserveKeys: defaultPreserveKeys,
};

/** Defaults with some fields replaced (library use and tests; the app builds rules from config). */
export function redactionRules(over: Partial<RedactionRules> = {}): RedactionRules {
  return { ...defaultRedactionRules, ...over };
}
