import { digitOfWord, isPlusWord, repeatOfWord } from "./digit-words.js";
import { overlapsAny, type Span } from "./protected-spans.js";

/**
 * Numbers as they appear in transcripts and messages: groups of written
 * digits joined by spaces, dashes, dots or brackets ("+49 (0)30 123-4567"),
 * digits spoken as words ("four one one one"), or both mixed. A run keeps its
 * groups so a detector can try the groups that form one number when two
 * numbers are said back to back.
 */
export interface DigitGroup {
  start: number;
  end: number;
  digits: string;
}

export interface DigitRun {
  start: number;
  end: number;
  groups: DigitGroup[];
  /** Some digits were words. */
  spoken: boolean;
  /** "+" or the word "plus" came right before the first digit. */
  plus: boolean;
}

// Written digits, words (digit words among them), and the "+" sign.
const TOKEN = /\d+|[\p{L}]+|\+/gu;
// What may stand between two pieces of one number.
const WRITTEN_GAP = /^(?=.{1,3}$)[ \u00a0\u202f()]*[-./]?[ \u00a0\u202f()]*$/;
const SPOKEN_GAP = /^[\s,;-]{1,3}$/;
/** More groups than any number has: longer runs are cut (a table of figures is not one number). */
const MAX_GROUPS = 48;

interface Token {
  start: number;
  end: number;
  digits: string | null;
  word: string;
}

function toTokens(text: string, spoken: boolean): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let pendingRepeat: { start: number; times: number } | null = null;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    const word = m[0];
    const start = m.index;
    const end = start + word.length;
    if (/^\d/.test(word)) {
      out.push({ start, end, digits: word, word });
      pendingRepeat = null;
      continue;
    }
    if (!spoken) {
      out.push({ start, end, digits: null, word });
      continue;
    }
    const times = repeatOfWord(word);
    if (times !== undefined) {
      pendingRepeat = { start, times };
      continue;
    }
    const d = digitOfWord(word);
    if (d !== undefined && pendingRepeat) {
      out.push({ start: pendingRepeat.start, end, digits: d.repeat(pendingRepeat.times), word });
    } else {
      out.push({ start, end, digits: d ?? null, word });
    }
    pendingRepeat = null;
  }
  return out;
}

/** Every run of digits in `text`, skipping protected spans (dates, times, money). */
export function findDigitRuns(text: string, o: { spoken: boolean; protectedSpans: readonly Span[] }): DigitRun[] {
  const tokens = toTokens(text, o.spoken);
  const runs: DigitRun[] = [];
  let current: DigitRun | null = null;
  let prev: Token | null = null;
  const close = () => {
    if (current) runs.push(...cut(current));
    current = null;
  };
  for (const t of tokens) {
    const isDigit = t.digits !== null && !overlapsAny(o.protectedSpans, t.start, t.end);
    if (!isDigit) {
      close();
      prev = t;
      continue;
    }
    const spokenToken = !/^\d/.test(t.word);
    const gap = prev ? text.slice(prev.end, t.start) : "";
    const joins =
      current !== null &&
      prev !== null &&
      (spokenToken || current.spoken ? SPOKEN_GAP.test(gap) || WRITTEN_GAP.test(gap) : WRITTEN_GAP.test(gap));
    if (!joins) {
      close();
      current = { start: t.start, end: t.end, groups: [], spoken: false, plus: plusBefore(text, t.start, prev) };
      if (current.plus && prev && (prev.word === "+" || isPlusWord(prev.word))) current.start = prev.start;
      // "(415) 555-0123": the opening bracket belongs to the number.
      else if (text[t.start - 1] === "(") current.start = t.start - 1;
    }
    const run = current as DigitRun;
    run.groups.push({ start: t.start, end: t.end, digits: t.digits as string });
    run.end = t.end;
    run.spoken ||= spokenToken;
    prev = t;
  }
  close();
  return runs;
}

function plusBefore(text: string, start: number, prev: Token | null): boolean {
  if (!prev) return false;
  const gap = text.slice(prev.end, start);
  return (prev.word === "+" && /^ ?$/.test(gap)) || (isPlusWord(prev.word) && /^\s$/.test(gap));
}

function cut(run: DigitRun): DigitRun[] {
  if (run.groups.length <= MAX_GROUPS) return [run];
  const parts: DigitRun[] = [];
  for (let i = 0; i < run.groups.length; i += MAX_GROUPS) {
    const groups = run.groups.slice(i, i + MAX_GROUPS);
    parts.push({
      ...run,
      groups,
      start: i === 0 ? run.start : groups[0]!.start,
      end: groups[groups.length - 1]!.end,
      plus: i === 0 && run.plus,
    });
  }
  return parts;
}

/** The digits of groups [from, to] of a run. */
export function digitsOf(run: DigitRun, from: number, to: number): string {
  let s = "";
  for (let i = from; i <= to; i++) s += run.groups[i]!.digits;
  return s;
}
