import { thousands, type Currency, type SpokenForms } from "./types.js";

const ONES = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const SCALES = ["", "thousand", "million", "billion"];
const ORDINAL_ONES: Record<string, string> = {
  one: "first",
  two: "second",
  three: "third",
  five: "fifth",
  eight: "eighth",
  nine: "ninth",
  twelve: "twelfth",
};
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const CURRENCY: Record<Currency, [string, string, string, string]> = {
  EUR: ["euro", "euros", "cent", "cents"],
  USD: ["dollar", "dollars", "cent", "cents"],
  GBP: ["pound", "pounds", "penny", "pence"],
  CHF: ["Swiss franc", "Swiss francs", "centime", "centimes"],
};

function below1000(n: number): string {
  const h = Math.floor(n / 100);
  const r = n % 100;
  const parts: string[] = [];
  if (h > 0) parts.push(`${ONES[h]} hundred`);
  if (r > 0 || h === 0)
    parts.push(r < 20 ? ONES[r]! : `${TENS[Math.floor(r / 10)]}${r % 10 ? `-${ONES[r % 10]}` : ""}`);
  return parts.join(" ");
}

function cardinal(n: number): string {
  if (n === 0) return "zero";
  return thousands(n)
    .map((g, i) => (g === 0 ? "" : `${below1000(g)}${SCALES[i] ? ` ${SCALES[i]}` : ""}`))
    .filter(Boolean)
    .reverse()
    .join(" ");
}

function ordinal(n: number): string {
  const words = cardinal(n);
  const m = /([a-z]+)$/.exec(words)!;
  const last = m[1]!;
  const ord = ORDINAL_ONES[last] ?? (last.endsWith("y") ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return words.slice(0, m.index) + ord;
}

/** 1989 -> "nineteen eighty-nine", 2005 -> "two thousand five", 2024 -> "twenty twenty-four". */
function year(y: number): string {
  if (y >= 2000 && y < 2010) return cardinal(y);
  if (y >= 1100 && y < 2100) {
    const hi = Math.floor(y / 100);
    const lo = y % 100;
    return lo === 0 ? `${cardinal(hi)} hundred` : `${cardinal(hi)} ${lo < 10 ? `oh ${ONES[lo]}` : cardinal(lo)}`;
  }
  return cardinal(y);
}

export const en: SpokenForms = {
  language: "en",
  cardinal,
  digit: (d) => ONES[d]!,
  plusSign: "plus",
  decimalWord: "point",
  percentWord: "percent",
  dayFirst: false,
  date: (d) => `${MONTHS[d.month - 1]} ${ordinal(d.day)}${d.year !== undefined ? `, ${year(d.year)}` : ""}`,
  time(h, m, meridiem) {
    if (!meridiem && m === 0 && h === 12) return "noon";
    if (!meridiem && m === 0 && (h === 0 || h === 24)) return "midnight";
    const suffix = meridiem ?? (h < 12 || h === 24 ? "am" : "pm");
    const h12 = h % 12 === 0 ? 12 : h % 12;
    const minutes = m === 0 ? "" : m < 10 ? ` oh ${ONES[m]}` : ` ${cardinal(m)}`;
    return `${cardinal(h12)}${minutes} ${suffix === "am" ? "a.m." : "p.m."}`;
  },
  money(whole, cents, currency) {
    const [one, many, centOne, centMany] = CURRENCY[currency];
    const main = `${cardinal(whole)} ${whole === 1 ? one : many}`;
    if (cents === 0) return main;
    const small = `${cardinal(cents)} ${cents === 1 ? centOne : centMany}`;
    return whole === 0 ? small : `${main} and ${small}`;
  },
};

/** British English: day first in numeric dates, "the twelfth of May". */
export const enGb: SpokenForms = {
  ...en,
  language: "en-GB",
  dayFirst: true,
  date: (d) => `the ${ordinal(d.day)} of ${MONTHS[d.month - 1]}${d.year !== undefined ? ` ${year(d.year)}` : ""}`,
};
