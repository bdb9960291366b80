import { thousands, type Currency, type SpokenForms } from "./types.js";

const ONES = [
  "null",
  "eins",
  "zwei",
  "drei",
  "vier",
  "fünf",
  "sechs",
  "sieben",
  "acht",
  "neun",
  "zehn",
  "elf",
  "zwölf",
  "dreizehn",
  "vierzehn",
  "fünfzehn",
  "sechzehn",
  "siebzehn",
  "achtzehn",
  "neunzehn",
];
const TENS = ["", "", "zwanzig", "dreißig", "vierzig", "fünfzig", "sechzig", "siebzig", "achtzig", "neunzig"];
const MONTHS = [
  "Januar",
  "Februar",
  "März",
  "April",
  "Mai",
  "Juni",
  "Juli",
  "August",
  "September",
  "Oktober",
  "November",
  "Dezember",
];
const CURRENCY: Record<Currency, [string, string]> = {
  EUR: ["Euro", "Cent"],
  USD: ["Dollar", "Cent"],
  GBP: ["Pfund", "Pence"],
  CHF: ["Franken", "Rappen"],
};

/** 0-999 written as one word, with "ein" in compounds ("einundzwanzig", "einhundert"). */
function below1000(n: number): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  let s = h > 0 ? `${h === 1 ? "ein" : ONES[h]}hundert` : "";
  if (r > 0)
    s += r < 20 ? ONES[r] : `${r % 10 ? `${r % 10 === 1 ? "ein" : ONES[r % 10]}und` : ""}${TENS[Math.floor(r / 10)]}`;
  return s;
}

/** German writes numbers below a million as one word; millions and above are nouns ("zwei Millionen"). */
function cardinal(n: number): string {
  if (n === 0) return "null";
  const [low = 0, thou = 0, mill = 0, bill = 0] = thousands(n);
  const parts: string[] = [];
  if (bill) parts.push(bill === 1 ? "eine Milliarde" : `${below1000(bill)} Milliarden`);
  if (mill) parts.push(mill === 1 ? "eine Million" : `${below1000(mill)} Millionen`);
  const word = `${thou ? `${thou === 1 ? "ein" : below1000(thou)}tausend` : ""}${low ? below1000(low) : ""}`;
  if (word) parts.push(word);
  return parts.join(" ");
}

/** The ordinal stem: "erst", "zweit", "dritt", "siebt", "zwanzigst". */
function ordinalStem(n: number): string {
  if (n === 1) return "erst";
  if (n === 3) return "dritt";
  if (n === 7) return "siebt";
  if (n === 8) return "acht";
  return n < 20 ? `${cardinal(n)}t` : `${cardinal(n)}st`;
}

/** 1989 -> "neunzehnhundertneunundachtzig"; years from 2000 are ordinary numbers. */
function year(y: number): string {
  if (y >= 1100 && y < 2000) return `${below1000(Math.floor(y / 100))}hundert${y % 100 ? below1000(y % 100) : ""}`;
  return cardinal(y);
}

export const de: SpokenForms = {
  language: "de",
  cardinal,
  digit: (d) => ONES[d]!,
  plusSign: "plus",
  decimalWord: "Komma",
  percentWord: "Prozent",
  dayFirst: true,
  date(d, before) {
    // "am / vom / zum / den 12. Mai": dative or accusative -en; "der 12. Mai": -e; on its own: "zwölfter Mai".
    const w = before.toLowerCase();
    const ending = /^(?:am|vom|zum|beim|den|dem|ab|seit|bis zum|im)$/.test(w)
      ? "en"
      : /^(?:der|die|das)$/.test(w)
        ? "e"
        : "er";
    return `${ordinalStem(d.day)}${ending} ${MONTHS[d.month - 1]}${d.year !== undefined ? ` ${year(d.year)}` : ""}`;
  },
  time: (h, m, meridiem) => {
    const hours = meridiem === "pm" && h < 12 ? h + 12 : meridiem === "am" && h === 12 ? 0 : h;
    return `${hours === 1 ? "ein" : cardinal(hours)} Uhr${m ? ` ${cardinal(m)}` : ""}`;
  },
  money(whole, cents, currency) {
    const [unit, sub] = CURRENCY[currency];
    if (whole === 0 && cents > 0) return `${cardinal(cents)} ${sub}`;
    const main = `${whole === 1 ? "ein" : cardinal(whole)} ${unit}`;
    return cents ? `${main} ${cardinal(cents)}` : main;
  },
};
