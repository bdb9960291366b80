/**
 * The language a batch recogniser transcribes a recording in: the agent's, for a multilingual Whisper whose catalog
 * entry leaves `config.language` empty (Whisper would otherwise guess it from the first 30 s, and a short message
 * is often guessed wrong); the catalog's own otherwise (an English-only `.en` model, a model pinned to a language,
 * or a model that is not Whisper). A language Whisper does not know keeps the detection, rather than an error.
 */

/** Whisper's language codes (openai/whisper tokenizer.py, LANGUAGES), the ones its multilingual models accept. */
const WHISPER_LANGUAGES = new Set(
  (
    "en zh de es ru ko fr ja pt tr pl ca nl ar sv it id hi fi vi he uk el ms cs ro da hu ta no th ur hr bg lt la mi " +
    "ml cy sk te fa lv bn sr az sl kn et mk br eu is hy ne mn bs kk sq sw gl mr pa si km sn yo so af oc ka be tg sd " +
    "gu am yi lo uz fo ht ps tk nn mt sa lb my bo tl mg as tt haw ln ha ba jw su yue"
  ).split(" "),
);
/** BCP 47 subtags Whisper spells differently: Norwegian Bokmål, Hebrew's and Javanese's older codes. */
const ALIASES: Readonly<Record<string, string>> = { nb: "no", iw: "he", jv: "jw", fil: "tl" };

/**
 * @param configured the catalog entry's `config.language` ("" = detect, as the multilingual entries have it)
 * @param multilingual whether the model knows more than English (catalog `languages` other than just "en")
 * @param requested the agent's language tag ("de-AT"), when the caller knows it
 * @returns the language to decode in ("" = detect)
 */
export function whisperLanguage(configured: string, multilingual: boolean, requested: string | undefined): string {
  if (configured !== "" || !multilingual || !requested) return configured;
  const base = (requested.split("-")[0] ?? "").toLowerCase();
  const code = ALIASES[base] ?? base;
  return WHISPER_LANGUAGES.has(code) ? code : configured;
}
