import { cardBrand } from "./card-numbers.js";
import { contextMatcher, contextWords, windowBefore } from "./context-words.js";
import { digitsOf, findDigitRuns, type DigitRun } from "./digit-runs.js";
import { validDeSteuerId, validFrNir, validUsSsn } from "./national-id-checks.js";
import type { Span } from "./protected-spans.js";
import type { PiiFinding, RedactionRules } from "./types.js";

/**
 * Cards, phone numbers and the digit-only national IDs, found in digit runs.
 * A run may hold two numbers said back to back, so each run is cut into the
 * longest stretches of whole groups that one detector accepts.
 */

/** Which context words sit just before a stretch of digits (read once per start position). */
interface Contexts {
  safe: boolean;
  card: boolean;
  cvv: boolean;
  ssn: boolean;
  deTaxId: boolean;
  phone: boolean;
}

export interface NumberDetector {
  find(text: string, protectedSpans: readonly Span[]): PiiFinding[];
}

interface Candidate {
  run: DigitRun;
  from: number;
  to: number;
  digits: string;
  ctx: Contexts;
}

export function numberDetector(rules: RedactionRules): NumberDetector {
  const matchers = {
    safe: contextMatcher(rules.safeContexts),
    card: contextMatcher(contextWords.card),
    cvv: contextMatcher(contextWords.cvv),
    ssn: contextMatcher(contextWords.ssn),
    deTaxId: contextMatcher(contextWords.deTaxId),
    phone: contextMatcher(contextWords.phone),
  };
  /** Context words are looked for among five words before the number; safe words among four ("order number is 123"). */
  const contextsAt = (text: string, start: number): Contexts => {
    const window = windowBefore(text, start, 5);
    return {
      safe: matchers.safe(windowBefore(text, start, 4)),
      card: matchers.card(window),
      cvv: matchers.cvv(window),
      ssn: matchers.ssn(window),
      deTaxId: matchers.deTaxId(window),
      phone: matchers.phone(window),
    };
  };
  const kinds = new Set(rules.kinds);
  const ids = new Set(rules.nationalIds);

  const classify = (c: Candidate): Pick<PiiFinding, "kind" | "detail"> | null => {
    const { digits, run, ctx } = c;
    const spoken = run.spoken ? "spoken " : "";
    if (kinds.has("card")) {
      const brand = cardBrand(digits);
      if (brand) return { kind: "card", detail: `${spoken}${brand}` };
      // One misheard digit breaks Luhn: spoken card-length digits after a card word are still a card.
      if (run.spoken && ctx.card && digits.length >= 13 && digits.length <= 19 && /^[3-6]/.test(digits))
        return { kind: "card", detail: "spoken unverified" };
      if (ctx.cvv && (digits.length === 3 || digits.length === 4))
        return { kind: "card", detail: `${spoken}security code` };
    }
    if (ctx.safe) return null;
    if (kinds.has("nationalId")) {
      const id = nationalId(c);
      if (id) return { kind: "nationalId", detail: id };
    }
    if (kinds.has("phone") && phoneLike(c)) return { kind: "phone", detail: `${spoken}phone` };
    return null;
  };

  const nationalId = (c: Candidate): string | null => {
    const len = c.digits.length;
    if (len !== 9 && len !== 11 && len !== 15) return null;
    const sizes = c.run.groups
      .slice(c.from, c.to + 1)
      .map((g) => g.digits.length)
      .join("-");
    if (ids.has("us-ssn") && c.digits.length === 9 && validUsSsn(c.digits) && (sizes === "3-2-4" || c.ctx.ssn))
      return "us-ssn";
    if (
      ids.has("de-steuer-id") &&
      c.digits.length === 11 &&
      validDeSteuerId(c.digits) &&
      (sizes === "2-3-3-3" || c.ctx.deTaxId)
    )
      return "de-steuer-id";
    if (ids.has("fr-nir") && c.digits.length === 15 && validFrNir(c.digits)) return "fr-nir";
    return null;
  };

  return {
    find(text, protectedSpans) {
      const out: PiiFinding[] = [];
      for (const run of findDigitRuns(text, { spoken: rules.spokenDigits, protectedSpans })) {
        const n = run.groups.length;
        // Digits before each group, so a stretch's length is known without building its string.
        const before = [0];
        for (const g of run.groups) before.push(before[before.length - 1]! + g.digits.length);
        let i = 0;
        while (i < n) {
          const start = i === 0 ? run.start : run.groups[i]!.start;
          // The context of every stretch starting here is the same: read it once.
          const ctx = contextsAt(text, start);
          let matched = -1;
          for (let j = n - 1; j >= i && matched < 0; j--) {
            const length = before[j + 1]! - before[i]!;
            if (length > 19) continue;
            if (length < 3) break;
            const c: Candidate = { run, from: i, to: j, digits: digitsOf(run, i, j), ctx };
            const hit = classify(c);
            if (hit) {
              out.push({ ...hit, start, end: run.groups[j]!.end, normalized: c.digits });
              matched = j;
            }
          }
          i = matched >= 0 ? matched + 1 : i + 1;
        }
      }
      return out;
    },
  };
}

/**
 * A phone number: international (+, 00), national with a trunk 0, North
 * American 3-3-4, grouped like a phone, or any 7-15 digits after a word such
 * as "call", "Telefon", "numéro". Long spoken digit strings count too: in a
 * call, nine or more digits read out one by one are a number to call back.
 */
function phoneLike(c: Candidate): boolean {
  const d = c.digits;
  const plus = c.from === 0 && c.run.plus;
  if (plus) return d.length >= 8 && d.length <= 15;
  if (d.startsWith("00")) return d.length >= 10 && d.length <= 17;
  if (d.length < 7 || d.length > 15) return false;
  const groups = c.run.groups.slice(c.from, c.to + 1);
  const formatted = groups.length >= 2 && groups.every((g) => g.digits.length >= 2) && groups[0]!.digits.length <= 5;
  if (d.startsWith("0")) return d.length >= 8 && d.length <= 12 && (formatted || groups.length === 1 || c.run.spoken);
  if (/^1?[2-9]\d{2}[2-9]\d{6}$/.test(d) && (formatted || c.run.spoken || c.ctx.phone)) return true;
  if (c.ctx.phone) return true;
  if (c.run.spoken) return d.length >= 9;
  return formatted && groups.length >= 3 && d.length >= 9 && d.length <= 12;
}
