import { findEmails, findLetteredIds } from "./detect-patterns.js";
import { numberDetector } from "./detect-numbers.js";
import { maskFinding } from "./mask.js";
import { protectedSpans } from "./protected-spans.js";
import { redactStructured, keyMatcher } from "./structured.js";
import type { CustomRule, PiiFinding, PiiKind, RedactionRules } from "./types.js";

/** Finds and masks personal data in text and in JSON-like values. */
export interface Redactor {
  readonly rules: RedactionRules;
  /** What would be masked, sorted, overlaps merged. */
  find(text: string): PiiFinding[];
  /** The text with every finding masked, and the findings. */
  apply(text: string): { text: string; findings: PiiFinding[] };
  /** The text with every finding masked. */
  text(text: string): string;
  /**
   * A copy of a JSON-like value (transcripts, summaries, webhook bodies, log
   * objects) with every string masked, except under `preserveKeys` (ids,
   * timestamps). Numbers, booleans and binary data are left as they are.
   */
  value<T>(value: T): T;
}

// When two findings overlap, the merged span takes the kind listed first.
const PRIORITY: readonly PiiKind[] = ["card", "nationalId", "email", "phone", "custom"];

interface CompiledRule {
  rule: CustomRule;
  re: RegExp;
}

/**
 * Builds a redactor from validated rules.
 * @example
 * const r = createRedactor(resolveRedaction({ kinds: ["card", "email"] }));
 * r.text("card 4111 1111 1111 1111, mail a@b.de"); // "card [card], mail [email]"
 */
export function createRedactor(rules: RedactionRules): Redactor {
  const numbers = numberDetector(rules);
  const custom: CompiledRule[] = rules.custom.map((rule) => ({
    rule,
    re: new RegExp(rule.pattern, rule.flags.includes("g") ? rule.flags : `${rule.flags}g`),
  }));
  const preserve = keyMatcher(rules.preserveKeys);
  const kinds = new Set(rules.kinds);

  const find = (text: string): PiiFinding[] => {
    if (text.length === 0) return [];
    const all: PiiFinding[] = [];
    if (/\d/.test(text) || rules.spokenDigits) all.push(...numbers.find(text, protectedSpans(text)));
    if (kinds.has("email")) all.push(...findEmails(text, rules.spokenDigits));
    if (kinds.has("nationalId")) all.push(...findLetteredIds(text, rules));
    for (const { rule, re } of custom) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (m[0].length === 0) {
          re.lastIndex++;
          continue;
        }
        all.push({ kind: "custom", detail: rule.name, start: m.index, end: m.index + m[0].length, normalized: m[0] });
      }
    }
    return mergeOverlaps(all);
  };

  const apply = (text: string) => {
    const findings = find(text);
    if (findings.length === 0) return { text, findings };
    let out = "";
    let at = 0;
    for (const f of findings) {
      const replacement = custom.find((c) => c.rule.name === f.detail && f.kind === "custom")?.rule.replacement;
      out +=
        text.slice(at, f.start) +
        maskFinding(f, text.slice(f.start, f.end), { style: rules.mask, hashKey: rules.hashKey, replacement });
      at = f.end;
    }
    return { text: out + text.slice(at), findings };
  };

  const redactor: Redactor = {
    rules,
    find,
    apply,
    text: (text) => apply(text).text,
    value: <T>(value: T): T => redactStructured(value, (s) => apply(s).text, preserve),
  };
  return redactor;
}

function mergeOverlaps(findings: PiiFinding[]): PiiFinding[] {
  findings.sort((a, b) => a.start - b.start || b.end - a.end || PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind));
  const out: PiiFinding[] = [];
  for (const f of findings) {
    const last = out[out.length - 1];
    if (!last || f.start >= last.end) {
      out.push({ ...f });
      continue;
    }
    // Overlap: one masked span covers both, so no part of either value is left readable.
    if (f.end > last.end) {
      last.end = f.end;
      if (PRIORITY.indexOf(f.kind) < PRIORITY.indexOf(last.kind))
        Object.assign(last, { kind: f.kind, detail: f.detail, normalized: f.normalized });
    }
  }
  return out;
}
