import type { PhraseTable } from "./types.js";

export type YesNo = "yes" | "no" | "other";

/**
 * Reads a short spoken answer as yes, no or neither, in the table's
 * language, without the LLM (used where the LLM is what has been failing).
 * A "no" word wins over a "yes" word: "nein, bitte nicht" must never start a
 * recording. Entries may be several words ("bien sûr", "desde luego").
 */
export function readYesNo(text: string, table: PhraseTable): YesNo {
  const words = text
    .toLowerCase()
    .normalize("NFC")
    .replace(/[^\p{L}\p{N}'\s]+/gu, " ")
    .split(/\s+/)
    .filter(Boolean);
  const padded = ` ${words.join(" ")} `;
  const said = (list: readonly string[]) => list.some((w) => padded.includes(` ${w.toLowerCase().normalize("NFC")} `));
  if (said(table.answers.no)) return "no";
  if (said(table.answers.yes)) return "yes";
  return "other";
}
