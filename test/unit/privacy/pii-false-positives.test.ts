import { describe, expect, it } from "vitest";
import { createRedactor, redactionRules } from "../../../src/lib/pii/index.js";

// Every built-in kind on: what must still come through untouched.
const all = createRedactor(redactionRules({ kinds: ["card", "nationalId", "email", "phone"] }));

describe("what is not personal data stays as it is", () => {
  it.each([
    // order, invoice and reference numbers, named as such
    "Your order number is 12345678.",
    "Order #0012345678 has shipped.",
    "order number one two three four five six seven eight nine",
    "Invoice INV-2024-000123 is due.",
    "Rechnungsnummer 0170 1234567",
    "Bestellnummer: 4711 0815 2024",
    "Ihre Kundennummer lautet 12 345 678 90.",
    "numéro de commande 06 12 34 56 78",
    "su número de pedido es 612 345 678",
    "tracking 1Z999AA10123456784",
    "booking reference 0123 4567 890",
    // dates and times in many writings
    "The appointment is on 2024-05-12 at 10:30.",
    "Termin am 12.05.2024 um 14:30 Uhr.",
    "le 05/12/2024 à 14h30",
    "2024-05-12T10:30:00Z",
    "2024-05-12 10:30:15+02:00",
    "between 9:00 and 17:30 on weekdays",
    "on 5/12/24, 10/11/2025 and 1.1.2026",
    // prices and amounts
    "That comes to €1.234,50 including VAT.",
    "It costs $12.99 or 1,299.00 USD for the year.",
    "Das macht 12,50 € bitte.",
    "Ça fait 1 234,50 € en tout.",
    "son 1.250,00 EUR",
    "a 20% discount, 7.5 % interest",
    "£ 4111 deposit",
    // quantities, codes and technical ids
    "room 101, 3 people, 2 nights",
    "postcode 10115 Berlin, ZIP 94103",
    "version 2.14.3 build 20240512",
    "IP 192.168.100.200 port 5060",
    "call id 3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    "sha 9f86d081884c7d659a2feaa0c55ad015",
    "Flight LH 400 seat 12A",
    "It happened in 1989 and again in 2015.",
    "count 1 2 3 4 5 6 7 8 9 10",
    "I need one more thing, two tickets and three seats.",
    "Er hat zwei Kinder und drei Hunde.",
    "Il y a deux chats et un chien.",
    "Tengo dos hermanos y una hermana.",
    "Press 1 for sales, 2 for support.",
    "The total was 4111 dollars.",
  ])("%s", (text) => {
    expect(all.find(text)).toEqual([]);
    expect(all.text(text)).toBe(text);
  });

  it("does not mask numbers that merely have card length", () => {
    // 16 digits, right issuer prefix, Luhn fails: a reference number, not a card.
    expect(all.text("Reference 4000 1234 5678 9010")).toBe("Reference 4000 1234 5678 9010");
  });

  it("keeps the rest of a sentence exact around what it masks", () => {
    const text = "On 12.05.2024 at 14:30 (order 12345678, €12,50) call +49 30 1234567 or mail a@b.de.";
    expect(all.text(text)).toBe("On 12.05.2024 at 14:30 (order 12345678, €12,50) call [phone] or mail [email].");
  });
});
