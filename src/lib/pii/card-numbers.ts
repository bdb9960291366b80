/**
 * Payment card numbers: 13 to 19 digits whose last digit is the Luhn check
 * digit of the rest (ISO/IEC 7812), and whose first digits belong to an
 * issuer range. Together they make a random 16-digit order number pass about
 * once in fifty, and dates or prices never reach here (protected spans).
 */

/** True when the digit string passes the Luhn (mod 10) check. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

interface Brand {
  name: string;
  lengths: readonly number[];
  test: (d: string) => boolean;
}

const prefix = (d: string, n: number) => Number(d.slice(0, n));
const between = (d: string, n: number, lo: number, hi: number) => prefix(d, n) >= lo && prefix(d, n) <= hi;

// Issuer ranges as the networks publish them; the order matters only where ranges nest (Maestro last).
const BRANDS: readonly Brand[] = [
  { name: "amex", lengths: [15], test: (d) => /^3[47]/.test(d) },
  { name: "visa", lengths: [13, 16, 19], test: (d) => d.startsWith("4") },
  { name: "mastercard", lengths: [16], test: (d) => between(d, 2, 51, 55) || between(d, 4, 2221, 2720) },
  {
    name: "discover",
    lengths: [16, 19],
    test: (d) => d.startsWith("6011") || d.startsWith("65") || between(d, 3, 644, 649),
  },
  { name: "jcb", lengths: [16, 17, 18, 19], test: (d) => between(d, 4, 3528, 3589) },
  { name: "diners", lengths: [14, 16, 19], test: (d) => /^3(?:0[0-5]|[68])/.test(d) },
  { name: "unionpay", lengths: [16, 17, 18, 19], test: (d) => d.startsWith("62") },
  { name: "maestro", lengths: [12, 13, 14, 15, 16, 17, 18, 19], test: (d) => /^(?:5[06-9]|6)/.test(d) },
];

/** The card network of a Luhn-valid number of a length that network issues, or null when it is not a card number. */
export function cardBrand(digits: string): string | null {
  if (digits.length < 13 || digits.length > 19 || !luhnValid(digits)) return null;
  for (const b of BRANDS) if (b.lengths.includes(digits.length) && b.test(digits)) return b.name;
  return null;
}
