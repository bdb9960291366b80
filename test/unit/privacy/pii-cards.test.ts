import { describe, expect, it } from "vitest";
import { cardBrand, createRedactor, luhnValid, redactionRules } from "../../../src/lib/pii/index.js";

const cards = createRedactor(redactionRules({ kinds: ["card"] }));

// Test numbers the card networks and acquirers publish for integration testing.
const published: [string, string][] = [
  ["4111111111111111", "visa"],
  ["4012888888881881", "visa"],
  ["4242424242424242", "visa"],
  ["4222222222222", "visa"],
  ["5555555555554444", "mastercard"],
  ["5105105105105100", "mastercard"],
  ["2223003122003222", "mastercard"],
  ["378282246310005", "amex"],
  ["371449635398431", "amex"],
  ["6011111111111117", "discover"],
  ["6011000990139424", "discover"],
  ["3530111333300000", "jcb"],
  ["3566002020360505", "jcb"],
  ["30569309025904", "diners"],
  ["38520000023237", "diners"],
  ["6200000000000005", "unionpay"],
  ["6759649826438453", "maestro"],
];

describe("card numbers", () => {
  it("knows the Luhn check", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("41x1")).toBe(false);
  });

  it.each(published)("recognises %s as %s", (number, brand) => {
    expect(cardBrand(number)).toBe(brand);
    expect(cards.text(`number ${number} please`)).toBe("number [card] please");
  });

  it("masks cards written with spaces and dashes, as transcripts and forms write them", () => {
    expect(cards.text("It's 4111 1111 1111 1111.")).toBe("It's [card].");
    expect(cards.text("4111-1111-1111-1111")).toBe("[card]");
    expect(cards.text("Amex 3782 822463 10005 exp 04/28")).toBe("Amex [card] exp 04/28");
    expect(cards.text("card: 5555 5555 5555 4444, and that's it")).toBe("card: [card], and that's it");
  });

  it("masks cards read out digit by digit in English, German, French and Spanish", () => {
    const en = "my card is four one one one one one one one one one one one one one one one thanks";
    expect(cards.text(en)).toBe("my card is [card] thanks");
    const de = "die Karte ist vier eins eins eins, eins eins eins eins, eins eins eins eins, eins eins eins eins";
    expect(cards.text(de)).toBe("die Karte ist [card]");
    const fr = "ma carte cinq cinq cinq cinq cinq cinq cinq cinq cinq cinq cinq cinq quatre quatre quatre quatre";
    expect(cards.text(fr)).toBe("ma carte [card]");
    const es = "tarjeta cuatro dos cuatro dos cuatro dos cuatro dos cuatro dos cuatro dos cuatro dos cuatro dos";
    expect(cards.text(es)).toBe("tarjeta [card]");
  });

  it("reads 'double' and 'triple' and mixed digits and words", () => {
    expect(cards.text("four one double one one one one one triple one 1111 one")).toBe("[card]");
  });

  it("masks spoken card-length digits after a card word even when one misheard digit breaks Luhn", () => {
    const misheard = "card number four one one one one one one one one one one one one one one two";
    expect(cards.text(misheard)).toBe("card number [card]");
    // Without a card word, a Luhn failure is not a card.
    expect(cards.text("four one one one one one one one one one one one one one one two")).not.toContain("[card]");
  });

  it("masks a security code only after a word that names it", () => {
    expect(cards.text("the CVV is 123")).toBe("the CVV is [card]");
    expect(cards.text("Sicherheitscode: 4321")).toBe("Sicherheitscode: [card]");
    expect(cards.text("room 123")).toBe("room 123");
  });

  it("finds a card said right after another number", () => {
    expect(cards.text("ref 12 4111 1111 1111 1111")).toBe("ref 12 [card]");
  });

  it("leaves numbers that fail Luhn or have no issuer", () => {
    for (const s of ["4111 1111 1111 1112", "1234 5678 9012 3456", "0000 0000 0000 0000", "9999999999999995"])
      expect(cards.text(s)).toBe(s);
  });

  it("says what it found and where", () => {
    const [f] = cards.find("pay with 4111 1111 1111 1111 now");
    expect(f).toMatchObject({ kind: "card", detail: "visa", start: 9, end: 28, normalized: "4111111111111111" });
  });
});
