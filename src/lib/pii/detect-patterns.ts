import { nationalIdValidators } from "./national-id-checks.js";
import type { NationalIdScheme, PiiFinding, RedactionRules } from "./types.js";

/**
 * E-mail addresses (written, and spoken as "anna dot berg at example dot
 * com" in four languages) and the national IDs that contain letters, found by
 * pattern and then validated by their scheme's rules.
 */

// Not the user part of a SIP URI ("sip:+1415...@pbx"): that is a phone number, found as one.
const EMAIL =
  /(?<![\p{L}\p{N}._%+-])(?<!sips?:)[\p{L}\p{N}._%+-]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,24}(?![\p{L}\p{N}-])/gu;

const AT = "(?:at|ät|at-zeichen|arobase|arroba)";
const DOT = "(?:dot|punkt|point|punto)";
const TLD = "(?:com|org|net|edu|gov|info|biz|io|eu|de|at|ch|fr|be|lu|es|it|pt|nl|uk|co|ie|us|ca|mx|ar)";
const WORD = "[\\p{L}\\p{N}][\\p{L}\\p{N}_-]*";
// "name (dot name)* at domain (dot part)* dot tld", as a recogniser writes an address read out.
const SPOKEN_EMAIL = new RegExp(
  `(?<![\\p{L}\\p{N}])(${WORD}(?:\\s+${DOT}\\s+${WORD})*)\\s+${AT}\\s+(${WORD}(?:\\s+${DOT}\\s+${WORD})*\\s+${DOT}\\s+${TLD})(?![\\p{L}\\p{N}])`,
  "giu",
);

interface IdPattern {
  scheme: NationalIdScheme;
  re: RegExp;
}

// Separators people and recognisers put inside IDs: spaces and dashes.
const ID_PATTERNS: readonly IdPattern[] = [
  { scheme: "uk-nino", re: /(?<![\p{L}\p{N}])[A-Z]{2}[ -]?\d{2}[ -]?\d{2}[ -]?\d{2}[ -]?[A-D](?![\p{L}\p{N}])/giu },
  { scheme: "es-dni", re: /(?<![\p{L}\p{N}])\d{8}[ -]?[A-Z](?![\p{L}\p{N}])/giu },
  { scheme: "es-nie", re: /(?<![\p{L}\p{N}])[XYZ][ -]?\d{7}[ -]?[A-Z](?![\p{L}\p{N}])/giu },
  {
    scheme: "it-codice-fiscale",
    re: /(?<![\p{L}\p{N}])[A-Z]{6}[\dA-Z]{2}[A-Z][\dA-Z]{2}[A-Z][\dA-Z]{3}[A-Z](?![\p{L}\p{N}])/giu,
  },
  {
    scheme: "fr-nir",
    re: /(?<![\p{L}\p{N}])[1-478] ?\d{2} ?\d{2} ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}(?![\p{L}\p{N}])/giu,
  },
];

function* matches(re: RegExp, text: string): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    yield m;
    if (m[0].length === 0) re.lastIndex++;
  }
}

/** Words of a spoken address back to characters: "anna dot berg" -> "anna.berg". */
function spokenToAddress(s: string): string {
  return s
    .trim()
    .toLowerCase()
    .replace(new RegExp(`\\s+${DOT}\\s+`, "giu"), ".");
}

export function findEmails(text: string, spoken: boolean): PiiFinding[] {
  const out: PiiFinding[] = [];
  for (const m of matches(EMAIL, text)) {
    // "a.b@example.com." ends a sentence: the final dot is not part of the address (the TLD rule already stops there).
    out.push({
      kind: "email",
      detail: "email",
      start: m.index,
      end: m.index + m[0].length,
      normalized: m[0].toLowerCase(),
    });
  }
  if (spoken) {
    for (const m of matches(SPOKEN_EMAIL, text)) {
      const normalized = `${spokenToAddress(m[1]!)}@${spokenToAddress(m[2]!)}`;
      out.push({ kind: "email", detail: "spoken email", start: m.index, end: m.index + m[0].length, normalized });
    }
  }
  return out;
}

export function findLetteredIds(text: string, rules: RedactionRules): PiiFinding[] {
  const wanted = new Set(rules.nationalIds);
  const out: PiiFinding[] = [];
  for (const { scheme, re } of ID_PATTERNS) {
    if (!wanted.has(scheme)) continue;
    for (const m of matches(re, text)) {
      const normalized = m[0].replace(/[ -]/g, "").toUpperCase();
      if (nationalIdValidators[scheme](normalized))
        out.push({ kind: "nationalId", detail: scheme, start: m.index, end: m.index + m[0].length, normalized });
    }
  }
  return out;
}
