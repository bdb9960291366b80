import { de } from "./de.js";
import { en, enGb } from "./en.js";
import { es } from "./es.js";
import { fr } from "./fr.js";
import type { Currency, SpokenForms } from "./types.js";

/**
 * Writes out, in the agent's language, what a TTS phonemiser would misread:
 * dates, clock times, amounts of money, percentages, decimals and phone-like
 * digit strings (read digit by digit, in their groups). Plain numbers are left
 * to the voice, which reads them in its language. Runs on one sentence at a
 * time, after the sentence splitter. Each pass writes words, so no later pass
 * sees its output as digits.
 */
export function readAloud(text: string, language = "en"): string {
  const f = spokenFormsFor(language);
  let out = text.replace(
    ISO_DATE,
    (m, y: string, mo: string, d: string, at: number, all: string) =>
      dateWords(f, Number(y), Number(mo), Number(d), all, at) ?? m,
  );
  out = out.replace(NUMERIC_DATE, (m, a: string, b: string, y: string | undefined, at: number, all: string) => {
    // Without a year only German's "12.05." is a date; "3.5" or "1/2" are not.
    if (y === undefined && f.language !== "de") return m;
    const [day, month] = f.dayFirst ? [Number(a), Number(b)] : [Number(b), Number(a)];
    const year = y === undefined ? undefined : y.length === 2 ? 2000 + Number(y) : Number(y);
    const words = dateWords(f, year, month, day, all, at);
    // "am 3.5." closing a sentence: its last period was the sentence's too.
    return words === null ? m : y === undefined && at + m.length === all.length ? `${words}.` : words;
  });
  out = out.replace(
    TIME,
    (
      m,
      h: string,
      colonMin: string | undefined,
      hMin: string | undefined,
      mer: string | undefined,
      unit: string | undefined,
    ) => {
      // A bare number is a time only with minutes, an "h", am/pm or a unit word ("14 Uhr", "9 heures").
      if (colonMin === undefined && !/^\d{1,2}h/i.test(m) && mer === undefined && unit === undefined) return m;
      // "3 horas" is mostly a duration ("tardará 3 horas"); "14:30 horas" is a clock time.
      if (colonMin === undefined && unit?.trim() === "horas") return m;
      const hours = Number(h);
      const minutes = Number(colonMin ?? hMin ?? 0);
      const meridiem = mer === undefined ? undefined : mer.toLowerCase() === "a" ? "am" : "pm";
      if (hours > 24 || minutes > 59 || (meridiem && (hours < 1 || hours > 12))) return m;
      // The reading says the unit itself ("vierzehn Uhr dreißig"), so a unit word after the time is consumed with it.
      return f.time(hours, minutes, meridiem);
    },
  );
  out = out.replace(MONEY_BEFORE, (m, sym: string, amount: string) => moneyWords(f, sym, amount) ?? m);
  out = out.replace(MONEY_AFTER, (m, amount: string, sym: string) => moneyWords(f, sym, amount) ?? m);
  out = out.replace(PERCENT, (_m, n: string) => `${numberWords(f, n)} ${f.percentWord}`);
  out = out.replace(DIGIT_GROUPS, (m) => groupedNumber(f, m));
  out = out.replace(DECIMAL, (m, whole: string, sep: string, frac: string) =>
    sep === decimalSeparator(f) ? numberWords(f, `${whole}${sep}${frac}`) : m,
  );
  return out;
}

/** The forms for a BCP 47 tag; English for languages without their own. */
export function spokenFormsFor(language: string): SpokenForms {
  const tag = language.toLowerCase();
  if (/^en-(?:gb|ie|au|nz|za|in)$/.test(tag)) return enGb;
  return ({ en, de, fr, es } as Record<string, SpokenForms>)[tag.split("-")[0] ?? "en"] ?? en;
}

const ISO_DATE = /(?<![\d./-])(\d{4})-(\d{2})-(\d{2})(?![\d/-]|:\d)/g;
// 12.05.2024, 12/05/2024, 5/12/24, and German "12.05." (day and month, no year)
const NUMERIC_DATE = /(?<![\d./])(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2})(?![\d./]\d|\d)|\.(?=\s|$))/g;
// 14:30, 9:05, 14h30, 14h, 2:30 pm, 3 p.m., 14:30 Uhr, 9 heures, 14:00 h, 14:30 horas
const TIME =
  /(?<![\d:.,])(\d{1,2})(?::(\d{2})|h(\d{2})?)?(?:\s?([ap])\.?\s?m\.?(?!\p{L}))?(\s(?:Uhr|heures?|horas|h)(?!\p{L}))?(?![\d:]|\p{L})/gu;
const CURRENCY_SYMBOLS = "€|\\$|£|EUR|USD|GBP|CHF";
const AMOUNT = "\\d{1,3}(?:[.,'\\u00a0\\u202f ]\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?";
const MONEY_BEFORE = new RegExp(`(?<![\\p{L}\\d])(${CURRENCY_SYMBOLS})\\s?(${AMOUNT})(?!\\d)`, "gu");
const MONEY_AFTER = new RegExp(`(?<![\\d.,])(${AMOUNT})\\s?(${CURRENCY_SYMBOLS}|euros?|Euro)(?!\\p{L})`, "gu");
const PERCENT = /(?<![\d.,])(\d+(?:[.,]\d+)?)\s?%/g;
// Digits in groups ("+49 30 1234567", "(415) 555-0123", "1 000 000") or seven and more in a row.
const DIGIT_GROUPS = /(?:\+\s?|(?<![\d.,]))\(?\d+\)?(?:[ \-/.]\(?\d+\)?)+(?![.,]?\d)|(?<![\d.,])\d{7,}(?![.,]?\d)/g;
const DECIMAL = /(?<![\d.,])(\d+)([.,])(\d+)(?![.,]?\d)/g;

function dateWords(
  f: SpokenForms,
  year: number | undefined,
  month: number,
  day: number,
  all: string,
  at: number,
): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const before = /(\p{L}+(?: zum)?)\s*$/u.exec(all.slice(Math.max(0, at - 12), at))?.[1] ?? "";
  return f.date({ year, month, day }, before);
}

const CURRENCIES: Record<string, Currency> = {
  "€": "EUR",
  eur: "EUR",
  euro: "EUR",
  euros: "EUR",
  $: "USD",
  usd: "USD",
  "£": "GBP",
  gbp: "GBP",
  chf: "CHF",
};

function moneyWords(f: SpokenForms, sym: string, amount: string): string | null {
  const currency = CURRENCIES[sym.toLowerCase()];
  const parsed = currency ? parseAmount(f, amount) : null;
  return currency && parsed ? f.money(parsed.whole, parsed.cents, currency) : null;
}

/**
 * "1.234,50", "1,234.50", "12,5", "12.99", "1 234" -> whole and cents. The
 * last separator is the decimal one when two digits follow it (any language:
 * "$12.99" in a German sentence) or one digit follows the language's own.
 */
function parseAmount(f: SpokenForms, amount: string): { whole: number; cents: number } | null {
  const m = /^(.*?)(?:([.,])(\d{1,3}))?$/.exec(amount.trim());
  if (!m) return null;
  const [, head = "", sep, tail] = m;
  const decimal =
    sep !== undefined &&
    tail !== undefined &&
    (tail.length === 2 || (tail.length === 1 && sep === decimalSeparator(f)));
  const wholeDigits = (decimal ? head : amount).replace(/\D/g, "");
  if (wholeDigits === "" && !decimal) return null;
  return { whole: Number(wholeDigits || "0"), cents: decimal ? Number(tail!.padEnd(2, "0")) : 0 };
}

function decimalSeparator(f: SpokenForms): string {
  return f.language.startsWith("en") ? "." : ",";
}

function numberWords(f: SpokenForms, n: string): string {
  const m = /^(\d+)(?:([.,])(\d+))?$/.exec(n);
  if (!m) return n;
  const whole = f.cardinal(Number(m[1]));
  return m[3] ? `${whole} ${f.decimalWord} ${[...m[3]].map((d) => f.digit(Number(d))).join(" ")}` : whole;
}

/**
 * A number written in groups: thousands groups ("1 000 000", "1.234.567") are
 * one amount; anything else with seven or more digits, a "+" or a leading 0
 * (phone numbers, account and order numbers) is read digit by digit, group by
 * group, with a pause between groups. Short groups ("3 4") stay as written.
 */
function groupedNumber(f: SpokenForms, s: string): string {
  const groups = s.match(/\d+/g) ?? [];
  const digits = groups.join("");
  const plus = s.trimStart().startsWith("+");
  const thousandsGrouped =
    !plus &&
    groups.length > 1 &&
    /^[1-9]\d{0,2}$/.test(groups[0]!) &&
    groups.slice(1).every((g) => g.length === 3) &&
    /^[\d \u00a0.,']+$/.test(s);
  if (thousandsGrouped) return f.cardinal(Number(digits));
  if (!plus && digits.length < 7 && !(digits.startsWith("0") && digits.length >= 5)) return s;
  const spoken = groups.map((g) => [...g].map((d) => f.digit(Number(d))).join(" ")).join(", ");
  return plus ? `${f.plusSign} ${spoken}` : spoken;
}
