import { thousands, type Currency, type SpokenForms } from "./types.js";

const ONES = [
  "zéro",
  "un",
  "deux",
  "trois",
  "quatre",
  "cinq",
  "six",
  "sept",
  "huit",
  "neuf",
  "dix",
  "onze",
  "douze",
  "treize",
  "quatorze",
  "quinze",
  "seize",
  "dix-sept",
  "dix-huit",
  "dix-neuf",
];
const TENS = ["", "", "vingt", "trente", "quarante", "cinquante", "soixante"];
const MONTHS = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
];
const CURRENCY: Record<Currency, [string, string, string, string]> = {
  EUR: ["euro", "euros", "centime", "centimes"],
  USD: ["dollar", "dollars", "cent", "cents"],
  GBP: ["livre", "livres", "penny", "pence"],
  CHF: ["franc", "francs", "centime", "centimes"],
};

/** 0-99, traditional spelling: "vingt et un", "soixante et onze", "quatre-vingts", "quatre-vingt-onze". */
function below100(n: number, final: boolean): string {
  if (n < 20) return ONES[n]!;
  const t = Math.floor(n / 10);
  const u = n % 10;
  if (t === 7 || t === 9) {
    const base = t === 7 ? "soixante" : "quatre-vingt";
    return t === 7 && u === 1 ? "soixante et onze" : `${base}-${ONES[10 + u]}`;
  }
  if (t === 8) return u === 0 ? (final ? "quatre-vingts" : "quatre-vingt") : `quatre-vingt-${ONES[u]}`;
  if (u === 0) return TENS[t]!;
  return u === 1 ? `${TENS[t]} et un` : `${TENS[t]}-${ONES[u]}`;
}

/** 0-999; `final`: nothing follows ("deux cents" but "deux cent mille"). */
function below1000(n: number, final: boolean): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  const parts: string[] = [];
  if (h > 0) parts.push(h === 1 ? "cent" : `${ONES[h]} ${r === 0 && final ? "cents" : "cent"}`);
  if (r > 0 || h === 0) parts.push(below100(r, final));
  return parts.join(" ");
}

function cardinal(n: number): string {
  if (n === 0) return "zéro";
  const [low = 0, thou = 0, mill = 0, bill = 0] = thousands(n);
  const parts: string[] = [];
  // Million and milliard are nouns: they take -s, and the number before them keeps its own plural.
  if (bill) parts.push(`${below1000(bill, true)} ${bill === 1 ? "milliard" : "milliards"}`);
  if (mill) parts.push(`${below1000(mill, true)} ${mill === 1 ? "million" : "millions"}`);
  if (thou) parts.push(thou === 1 ? "mille" : `${below1000(thou, false)} mille`);
  if (low) parts.push(below1000(low, true));
  return parts.join(" ");
}

/** Before a feminine noun (heure, minute, livre): "une", "vingt et une". */
function feminine(n: number): string {
  return cardinal(n).replace(/(^|[ -])un$/, "$1une");
}

export const fr: SpokenForms = {
  language: "fr",
  cardinal,
  digit: (d) => ONES[d]!,
  plusSign: "plus",
  decimalWord: "virgule",
  percentWord: "pour cent",
  dayFirst: true,
  date: (d) =>
    `${d.day === 1 ? "premier" : cardinal(d.day)} ${MONTHS[d.month - 1]}${d.year !== undefined ? ` ${cardinal(d.year)}` : ""}`,
  time: (h, m, meridiem) => {
    const hours = meridiem === "pm" && h < 12 ? h + 12 : meridiem === "am" && h === 12 ? 0 : h;
    return `${feminine(hours)} ${hours === 1 || hours === 0 ? "heure" : "heures"}${m ? ` ${feminine(m)}` : ""}`;
  },
  money(whole, cents, currency) {
    const [one, many, centOne, centMany] = CURRENCY[currency];
    const count = currency === "GBP" ? feminine : cardinal;
    if (whole === 0 && cents > 0) return `${cardinal(cents)} ${cents === 1 ? centOne : centMany}`;
    const main = `${count(whole)} ${whole === 1 ? one : many}`;
    return cents ? `${main} ${cardinal(cents)}` : main;
  },
};
