/**
 * Words just before a number that say what it is. Positive contexts let a
 * detector accept a weaker shape ("SSN 123456789" without dashes, spoken card
 * digits that fail Luhn through one misheard digit); safe contexts say it is
 * not personal ("order number 0170 1234", "Rechnungsnummer ...") and keep
 * phones and digit-only IDs unmasked. Cards are masked whatever the context.
 *
 * An entry ending in "*" matches as a word prefix (German compounds:
 * "rechnung*" covers "Rechnungsnummer"); other entries match whole words.
 */
export const defaultSafeContexts: readonly string[] = [
  // en
  "order*",
  "invoice*",
  "ref",
  "reference*",
  "booking*",
  "tracking*",
  "ticket*",
  "case",
  "confirmation*",
  "receipt*",
  "item*",
  "sku",
  "serial*",
  "part",
  "model",
  "version",
  // de
  "bestell*",
  "auftrag*",
  "rechnung*",
  "referenz*",
  "kundennummer*",
  "sendung*",
  "vorgang*",
  "aktenzeichen*",
  "buchung*",
  "artikel*",
  "seriennummer*",
  // fr
  "commande*",
  "facture*",
  "référence*",
  "dossier*",
  "suivi*",
  "colis",
  "réservation*",
  "article*",
  // es
  "pedido*",
  "factura*",
  "referencia*",
  "reserva*",
  "seguimiento*",
  "expediente*",
  "artículo*",
];

export const contextWords = {
  card: [
    "card*",
    "credit*",
    "debit*",
    "visa",
    "mastercard",
    "amex",
    "karte*",
    "kreditkarte*",
    "carte*",
    "bancaire",
    "cb",
    "tarjeta*",
    "crédito",
    "débito",
  ],
  cvv: [
    "cvv*",
    "cvc*",
    "security code",
    "sicherheitscode*",
    "prüfnummer*",
    "kartenprüfnummer*",
    "cryptogramme*",
    "code de sécurité",
    "código de seguridad",
  ],
  ssn: ["ssn", "social security*", "social"],
  deTaxId: ["steuer*", "identifikationsnummer*", "idnr", "tax id*", "tin"],
  phone: [
    "phone*",
    "call*",
    "mobile",
    "cell*",
    "reach",
    "number",
    "telephone*",
    "tel",
    "fax",
    "telefon*",
    "handy*",
    "nummer",
    "rufnummer*",
    "rückruf*",
    "anrufen",
    "erreichbar*",
    "mobil*",
    "téléphone*",
    "numéro",
    "portable",
    "joindre",
    "appeler",
    "rappeler",
    "teléfono*",
    "número",
    "móvil",
    "celular",
    "llamar*",
  ],
} as const satisfies Record<string, readonly string[]>;

/** A matcher for one list of context entries. */
export function contextMatcher(entries: readonly string[]): (window: string) => boolean {
  if (entries.length === 0) return () => false;
  const alternatives = entries.map((e) => {
    const prefix = e.endsWith("*");
    const body = (prefix ? e.slice(0, -1) : e)
      .trim()
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      .replace(/\s+/g, "\\s+");
    return prefix ? body : `${body}(?![\\p{L}\\p{N}])`;
  });
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join("|")})`, "iu");
  return (window) => re.test(window);
}

/**
 * The words a context word may be among: at most `words` words before
 * `start`, within the same clause (not past a sentence end, a bracket or a
 * semicolon), so "(order 123, €5) call +49 ..." reads the phone's context as
 * "call", not "order".
 */
export function windowBefore(text: string, start: number, words: number): string {
  const w = text.slice(Math.max(0, start - 80), start);
  const clause = w.split(/[.!?](?=\s+\p{L})|[;()\n]/u).pop() ?? ""; // "Tel. 123" keeps "Tel."
  const parts = clause.split(/(?<=\s)(?=\S)/u);
  return parts.slice(-words).join("");
}
