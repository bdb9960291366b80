/** Built-in phrases per language (en, de, fr, es), picked by an agent's BCP 47 `language`. */
export { localizeAgentDefaults } from "./agent-defaults.js";
export { readYesNo, type YesNo } from "./yes-no.js";
export { menuActionNames, spokenName, type MenuActionName, type PhraseTable } from "./types.js";
export { baseLanguage, hasPhrases, isLanguageTag, phraseLanguages, phrasesFor } from "./tables.js";
