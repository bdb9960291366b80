import type { NationalIdScheme } from "./types.js";

/**
 * Validators for national identity numbers, each from the scheme's published
 * rules. Inputs are normalised (upper case, no separators). A scheme without
 * a checksum (US SSN, UK NINO) is checked against its allocation rules only,
 * which is why the text detectors ask more of those (a format or a keyword).
 */

/** US SSN: area 001-899 except 666, group 01-99, serial 0001-9999 (SSA rules since 2011). */
export function validUsSsn(d: string): boolean {
  if (!/^\d{9}$/.test(d)) return false;
  const area = Number(d.slice(0, 3));
  return area !== 0 && area !== 666 && area < 900 && d.slice(3, 5) !== "00" && d.slice(5) !== "0000";
}

/** UK National Insurance number: prefix letters (D, F, I, Q, U, V never; O not second; BG GB KN NK NT TN ZZ unused), six digits, suffix A-D. */
export function validUkNino(s: string): boolean {
  const m = /^([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])(\d{6})([A-D])$/.exec(s);
  if (!m) return false;
  return !["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].includes(`${m[1]}${m[2]}`);
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** Spanish DNI: eight digits and the letter DNI_LETTERS[number mod 23]. */
export function validEsDni(s: string): boolean {
  const m = /^(\d{8})([A-Z])$/.exec(s);
  return m !== null && DNI_LETTERS[Number(m[1]) % 23] === m[2];
}

/** Spanish NIE: X, Y or Z (read as 0, 1, 2), seven digits, and the DNI check letter of the eight-digit number. */
export function validEsNie(s: string): boolean {
  const m = /^([XYZ])(\d{7})([A-Z])$/.exec(s);
  if (!m) return false;
  const n = Number(`${"XYZ".indexOf(m[1]!)}${m[2]}`);
  return DNI_LETTERS[n % 23] === m[3];
}

// Codice fiscale: the value of each character in an odd (1st, 3rd, ...) position; digits count as A-J.
const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
// Letters that replace digits in homonym codes (omocodia): L=0, M=1, ... V=9.
const CF_SHAPE = /^[A-Z]{6}[\dLMNP-V]{2}[A-EHLMPR-T][\dLMNP-V]{2}[A-Z][\dLMNP-V]{3}[A-Z]$/;

function cfIndex(c: string): number {
  return /\d/.test(c) ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 65;
}

/** Italian codice fiscale: 16 characters in the fixed shape, the last the check character of the first 15. */
export function validItCodiceFiscale(s: string): boolean {
  if (!CF_SHAPE.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const v = cfIndex(s[i]!);
    sum += i % 2 === 0 ? CF_ODD[v]! : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}

/**
 * German Steuerliche Identifikationsnummer: 11 digits, no leading 0, in the
 * first ten one digit appears two or three times (three never in a row) and
 * the others at most once; the last is an ISO 7064 MOD 11,10 check digit.
 */
export function validDeSteuerId(d: string): boolean {
  if (!/^[1-9]\d{10}$/.test(d)) return false;
  const counts = new Map<string, number>();
  for (const c of d.slice(0, 10)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const repeated = [...counts.values()].filter((n) => n > 1);
  if (repeated.length !== 1 || repeated[0]! > 3) return false;
  if (/(\d)\1\1/.test(d.slice(0, 10))) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (d.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = (11 - product) % 10;
  return check === d.charCodeAt(10) - 48;
}

/**
 * French NIR: sex (1, 2; 3, 4, 7, 8 for provisional numbers), year, month
 * (01-12, or 20-42 / 50-99 when unknown), department (2A and 2B for Corsica),
 * commune, order, and a key of 97 minus the 13-digit number mod 97.
 */
export function validFrNir(s: string): boolean {
  const m = /^([1-478])(\d{2})(\d{2})(\d{2}|2[AB])(\d{3})(\d{3})(\d{2})$/.exec(s);
  if (!m) return false;
  const month = Number(m[3]);
  if (!((month >= 1 && month <= 12) || (month >= 20 && month <= 42) || month >= 50)) return false;
  // Corsica: 2A counts as 19, 2B as 18 in the key.
  const dept = m[4] === "2A" ? "19" : m[4] === "2B" ? "18" : m[4]!;
  const body = BigInt(`${m[1]}${m[2]}${m[3]}${dept}${m[5]}${m[6]}`);
  return 97n - (body % 97n) === BigInt(m[7]!);
}

/** The validator of each scheme. */
export const nationalIdValidators: Record<NationalIdScheme, (normalized: string) => boolean> = {
  "us-ssn": validUsSsn,
  "uk-nino": validUkNino,
  "es-dni": validEsDni,
  "es-nie": validEsNie,
  "it-codice-fiscale": validItCodiceFiscale,
  "de-steuer-id": validDeSteuerId,
  "fr-nir": validFrNir,
};
