/** Numbers, dates, times and amounts written out in words for TTS, per language. */
export { readAloud, spokenFormsFor } from "./read-aloud.js";
export type { CalendarDate, Currency, SpokenForms } from "./types.js";
