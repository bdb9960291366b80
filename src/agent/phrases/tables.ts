import { de } from "./de.js";
import { en } from "./en.js";
import { es } from "./es.js";
import { fr } from "./fr.js";
import type { PhraseTable } from "./types.js";

const TABLES: Readonly<Record<string, PhraseTable>> = { en, de, fr, es };

/** Languages with built-in phrases. */
export const phraseLanguages: readonly string[] = Object.keys(TABLES);

// BCP 47 as agents write it: a language subtag, then script / region / variant subtags ("de", "de-AT", "sr-Latn-RS", "es-419").
const BCP47 = /^[a-zA-Z]{2,3}(?:-[a-zA-Z]{4})?(?:-(?:[a-zA-Z]{2}|\d{3}))?(?:-[a-zA-Z\d]{5,8})*$/;

/** True for a well-formed BCP 47 language tag of the common shapes. */
export function isLanguageTag(tag: string): boolean {
  return BCP47.test(tag);
}

/** "de-AT" -> "de"; "EN" -> "en". */
export function baseLanguage(tag: string): string {
  return (tag.split("-")[0] ?? tag).toLowerCase();
}

/** The phrase table for a language tag: its base language's, or English when Parley has none for it. */
export function phrasesFor(tag: string): PhraseTable {
  return TABLES[baseLanguage(tag)] ?? en;
}

/** Whether Parley has built-in phrases for the tag's language (else phrasesFor falls back to English). */
export function hasPhrases(tag: string): boolean {
  return baseLanguage(tag) in TABLES;
}
