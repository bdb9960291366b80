/**
 * Stretches of text that look like numbers but are never personal data:
 * dates, times, money, decimals, percentages and IPv4 addresses. Digit runs are not built
 * across them, so "2024-05-12 10:30" never becomes a ten-digit phone number
 * and "€1.234,50" never feeds a card check.
 */
export interface Span {
  start: number;
  end: number;
}

const PATTERNS: readonly RegExp[] = [
  // ISO dates and date-times: 2024-05-12, 2024-05-12T10:30:00Z
  /(?<![\d./-])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![./-]?\d)/g,
  // Day-month-year in the European and US orders: 12.05.2024, 5/12/24, 12-05-2024 (not inside a longer
  // dotted run such as the French phone style 01.23.45.67.89)
  /(?<![\d./-])\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?![./-]?\d)/g,
  // Times: 14:30, 9:05:59, 14h30 (French)
  /\b\d{1,2}(?::\d{2}(?::\d{2})?|h\d{2})\b/g,
  // Money with the currency first: €12,50  $1,234.99  £ 20  EUR 1.234,00  CHF 15.-
  /(?:[€$£¥]|\b(?:EUR|USD|GBP|CHF)\b)\s?\d[\d.,'\u00a0\u202f]*(?:[.,]-)?/g,
  // Money with the currency after: 12,50 €  1.234,00 EUR  20 euros  15 dollars
  /\b\d[\d.,'\u00a0\u202f]*\s?(?:€|\$|£|\b(?:EUR|USD|GBP|CHF|euros?|dollars?|pounds?|pesos?)\b)/gi,
  // Decimals with one or two places and percentages: 3.5, 12,50, 20 %, 7.5%
  /(?<![\d.,])\d+[.,]\d{1,2}(?![.,]?\d)/g,
  /\b\d+(?:[.,]\d+)?\s?%/g,
  // IPv4 addresses: 192.168.100.200
  /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g,
];

/** The protected spans of `text`, sorted and merged. */
export function protectedSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const re of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      spans.push({ start: m.index, end: m.index + m[0].length });
      if (m[0].length === 0) re.lastIndex++;
    }
  }
  spans.sort((a, b) => a.start - b.start);
  const merged: Span[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ ...s });
  }
  return merged;
}

/** True when [start, end) overlaps any span (spans sorted). */
export function overlapsAny(spans: readonly Span[], start: number, end: number): boolean {
  for (const s of spans) {
    if (s.start >= end) return false;
    if (s.end > start) return true;
  }
  return false;
}
