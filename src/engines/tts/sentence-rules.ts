/**
 * What ends a sentence, per language, for the TTS splitter: the words whose
 * trailing period is an abbreviation, whether "3." before a word is an
 * ordinal (German "am 3. Mai"), and the closing quotes that may follow the
 * punctuation. Unknown languages get English's rules.
 */
export interface SentenceRules {
  language: string;
  /** Lower case, without the final period ("z.b", "bzw", "mme"). */
  abbreviations: ReadonlySet<string>;
  /** Endings that make any word an abbreviation (German street names: "Hauptstr."). */
  abbreviationEndings: readonly string[];
  /** A number followed by "." and a word is an ordinal, not a sentence end (German). */
  ordinalDigits: boolean;
}

const EN = ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "approx", "no", "tel", "ext"];

const TABLE: Record<string, readonly string[]> = {
  en: EN,
  de: [
    "z.b",
    "bzw",
    "ca",
    "usw",
    "u.a",
    "d.h",
    "evtl",
    "ggf",
    "inkl",
    "zzgl",
    "exkl",
    "bzgl",
    "vgl",
    "sog",
    "z.t",
    "u.u",
    "o.ä",
    "s.o",
    "s.u",
    "nr",
    "str",
    "tel",
    "dr",
    "prof",
    "hr",
    "fr",
    "frl",
    "st",
    "abs",
    "abt",
    "geb",
    "gegr",
    "jh",
    "mio",
    "mrd",
    "min",
    "max",
    "std",
    "tsd",
    "mo",
    "di",
    "mi",
    "do",
    "sa",
    "so",
    "jan",
    "feb",
    "mär",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "okt",
    "nov",
    "dez",
  ],
  fr: [
    "m",
    "mm",
    "mme",
    "mlle",
    "dr",
    "pr",
    "me",
    "mgr",
    "st",
    "ste",
    "etc",
    "p.ex",
    "cf",
    "env",
    "av",
    "bd",
    "boul",
    "tél",
    "tel",
    "no",
    "n°",
    "janv",
    "févr",
    "avr",
    "juil",
    "sept",
    "oct",
    "nov",
    "déc",
    "lun",
    "mar",
    "mer",
    "jeu",
    "ven",
    "sam",
    "dim",
    "éd",
    "vol",
    "chap",
  ],
  es: [
    "sr",
    "sra",
    "srta",
    "sres",
    "dr",
    "dra",
    "d",
    "dña",
    "ud",
    "uds",
    "lic",
    "ing",
    "prof",
    "etc",
    "p.ej",
    "ej",
    "aprox",
    "núm",
    "n.º",
    "tel",
    "telf",
    "avda",
    "av",
    "c",
    "pza",
    "dpto",
    "admón",
    "ene",
    "feb",
    "mar",
    "abr",
    "jun",
    "jul",
    "ago",
    "sept",
    "oct",
    "nov",
    "dic",
    "pág",
    "vol",
    "cap",
  ],
};

const cache = new Map<string, SentenceRules>();

/** The rules for a BCP 47 tag's base language. */
export function sentenceRulesFor(language = "en"): SentenceRules {
  const base = (language.split("-")[0] ?? "en").toLowerCase();
  const key = base in TABLE ? base : "en";
  let rules = cache.get(key);
  if (!rules) {
    rules = {
      language: key,
      abbreviations: new Set(TABLE[key]),
      abbreviationEndings: key === "de" ? ["str"] : [],
      ordinalDigits: key === "de",
    };
    cache.set(key, rules);
  }
  return rules;
}
