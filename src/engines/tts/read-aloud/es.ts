import { thousands, type Currency, type SpokenForms } from "./types.js";

const ONES = [
  "cero",
  "uno",
  "dos",
  "tres",
  "cuatro",
  "cinco",
  "seis",
  "siete",
  "ocho",
  "nueve",
  "diez",
  "once",
  "doce",
  "trece",
  "catorce",
  "quince",
  "dieciséis",
  "diecisiete",
  "dieciocho",
  "diecinueve",
  "veinte",
  "veintiuno",
  "veintidós",
  "veintitrés",
  "veinticuatro",
  "veinticinco",
  "veintiséis",
  "veintisiete",
  "veintiocho",
  "veintinueve",
];
const TENS = ["", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"];
const HUNDREDS = [
  "",
  "ciento",
  "doscientos",
  "trescientos",
  "cuatrocientos",
  "quinientos",
  "seiscientos",
  "setecientos",
  "ochocientos",
  "novecientos",
];
const MONTHS = [
  "enero",
  "febrero",
  "marzo",
  "abril",
  "mayo",
  "junio",
  "julio",
  "agosto",
  "septiembre",
  "octubre",
  "noviembre",
  "diciembre",
];
const CURRENCY: Record<Currency, [string, string, string, string, boolean]> = {
  EUR: ["euro", "euros", "céntimo", "céntimos", false],
  USD: ["dólar", "dólares", "centavo", "centavos", false],
  GBP: ["libra", "libras", "penique", "peniques", true],
  CHF: ["franco", "francos", "céntimo", "céntimos", false],
};

function below1000(n: number): string {
  if (n === 100) return "cien";
  const h = Math.floor(n / 100);
  const r = n % 100;
  const parts: string[] = [];
  if (h > 0) parts.push(HUNDREDS[h]!);
  if (r > 0) parts.push(r < 30 ? ONES[r]! : `${TENS[Math.floor(r / 10)]}${r % 10 ? ` y ${ONES[r % 10]}` : ""}`);
  return parts.join(" ");
}

/** "uno" shortens before a masculine noun ("un euro", "veintiún mil", "treinta y un millones"). */
function apocope(words: string): string {
  return words.replace(/veintiuno$/, "veintiún").replace(/(^|\s)uno$/, "$1un");
}

function cardinal(n: number): string {
  if (n === 0) return "cero";
  const [low = 0, thou = 0, mill = 0, bill = 0] = thousands(n);
  const parts: string[] = [];
  // Spanish counts "mil millones" (10^9), not a separate word.
  const millions = bill * 1000 + mill;
  if (millions) parts.push(millions === 1 ? "un millón" : `${apocope(cardinal(millions))} millones`);
  if (thou) parts.push(thou === 1 ? "mil" : `${apocope(below1000(thou))} mil`);
  if (low) parts.push(below1000(low));
  return parts.join(" ");
}

/** Before a feminine noun (hora, libra): "una", "veintiuna", "doscientas". */
function feminine(n: number): string {
  return cardinal(n)
    .replace(/veintiuno$/, "veintiuna")
    .replace(/(^|\s)uno$/, "$1una")
    .replace(/ientos\b/g, "ientas");
}

export const es: SpokenForms = {
  language: "es",
  cardinal,
  digit: (d) => ONES[d]!,
  plusSign: "más",
  decimalWord: "coma",
  percentWord: "por ciento",
  dayFirst: true,
  date: (d) => `${cardinal(d.day)} de ${MONTHS[d.month - 1]}${d.year !== undefined ? ` de ${cardinal(d.year)}` : ""}`,
  time: (h, m, meridiem) => {
    const hours = meridiem === "pm" && h < 12 ? h + 12 : meridiem === "am" && h === 12 ? 0 : h;
    return `${feminine(hours)} ${m ? `y ${cardinal(m)}` : "en punto"}`;
  },
  money(whole, cents, currency) {
    const [one, many, centOne, centMany, fem] = CURRENCY[currency];
    const count = (n: number) => (fem ? feminine(n) : apocope(cardinal(n)));
    if (whole === 0 && cents > 0) return `${apocope(cardinal(cents))} ${cents === 1 ? centOne : centMany}`;
    const main = `${count(whole)} ${whole === 1 ? one : many}`;
    return cents ? `${main} con ${cardinal(cents)}` : main;
  },
};
