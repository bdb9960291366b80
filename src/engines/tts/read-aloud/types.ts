/**
 * How one language says numbers, dates, times and amounts. Piper voices
 * phonemise through espeak-ng, which reads plain numbers well but reads
 * "14:30", "12.05.2024", "€12,50" or a phone number as punctuation and large
 * integers; readAloud writes those out in words first.
 */
export type Currency = "EUR" | "USD" | "GBP" | "CHF";

export interface CalendarDate {
  year?: number | undefined;
  month: number;
  day: number;
}

export interface SpokenForms {
  language: string;
  /** A number said on its own: 1 -> "one", "eins", "un", "uno". */
  cardinal(n: number): string;
  /** One digit, for numbers read digit by digit (phone numbers, codes). */
  digit(d: number): string;
  plusSign: string;
  /** Word between the whole and the decimal digits: "point", "Komma", "virgule", "coma". */
  decimalWord: string;
  percentWord: string;
  /**
   * A calendar date. `before` is the word before it in the text, which
   * decides the grammatical case in German ("am 12." -> "zwölften").
   */
  date(d: CalendarDate, before: string): string;
  /** A clock time; `meridiem` when the text said am/pm (12-hour). */
  time(hours: number, minutes: number, meridiem?: "am" | "pm"): string;
  money(whole: number, cents: number, currency: Currency): string;
  /** How numeric dates are ordered: day first (12/05 = 12 May) or month first (US). */
  dayFirst: boolean;
}

/** Splits a non-negative integer into thousands groups, lowest first: 1234567 -> [567, 234, 1]. */
export function thousands(n: number): number[] {
  const groups: number[] = [];
  let rest = Math.floor(n);
  do {
    groups.push(rest % 1000);
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups;
}
