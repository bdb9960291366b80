import { describe, expect, it } from "vitest";
import { createRedactor, redactionRules } from "../../../src/lib/pii/index.js";

const contact = createRedactor(redactionRules({ kinds: ["email", "phone"] }));

describe("e-mail addresses", () => {
  it("masks written addresses, with sentence punctuation left outside", () => {
    expect(contact.text("Write to anna.berg+news@example.co.uk.")).toBe("Write to [email].");
    expect(contact.text("<j_doe@mail.example.com>")).toBe("<[email]>");
    expect(contact.text("jürgen.müller@beispiel.de, bitte")).toBe("[email], bitte");
  });

  it("masks addresses read out in English, German, French and Spanish", () => {
    expect(contact.text("it's anna dot berg at example dot com thanks")).toBe("it's [email] thanks");
    expect(contact.text("meine Adresse ist max punkt muster ät firma punkt de")).toBe("meine Adresse ist [email]");
    expect(contact.text("c'est jean arobase orange point fr")).toBe("c'est [email]");
    expect(contact.text("es maria arroba correo punto es")).toBe("es [email]");
  });

  it("leaves things that only look a little like addresses", () => {
    for (const s of ["meet me at the station", "@everyone see you at 5", "version 2.0 at example", "user@localhost"])
      expect(contact.text(s)).toBe(s);
  });
});

describe("phone numbers", () => {
  it.each([
    ["+49 30 12345678", "German landline, international"],
    ["+1 (415) 555-0123", "US, international"],
    ["(415) 555-0123", "US, national"],
    ["415-555-0123", "US, dashes"],
    ["415.555.0123", "US, dots"],
    ["0170 1234567", "German mobile"],
    ["030/1234567", "German landline with slash"],
    ["+44 20 7946 0958", "UK London"],
    ["020 7946 0958", "UK national"],
    ["01 23 45 67 89", "French pairs"],
    ["01.23.45.67.89", "French with dots"],
    ["+33 6 12 34 56 78", "French mobile, international"],
    ["612 34 56 78", "Spanish mobile"],
    ["0034 612 345 678", "Spanish, 00 prefix"],
    ["+49 (0)30 1234567", "German with (0)"],
  ])("masks %s (%s)", (number) => {
    expect(contact.text(`call ${number} today`)).toBe("call [phone] today");
  });

  it("masks numbers read out as words, in four languages", () => {
    expect(contact.text("it's oh one seven oh one two three four five six seven")).toBe("it's [phone]");
    expect(contact.text("Nummer null eins sieben null, eins zwei drei, vier fünf sechs sieben")).toBe("Nummer [phone]");
    expect(contact.text("mon numéro zéro six douze")).toBe("mon numéro zéro six douze"); // "douze" is a number word, not digits: too short to be a phone
    expect(contact.text("mi número es seis uno dos tres cuatro cinco seis siete ocho")).toBe("mi número es [phone]");
    expect(contact.text("plus four nine three zero one two three four five six seven")).toBe("[phone]");
  });

  it("masks any 7-15 digits after a word that says it is a phone number", () => {
    expect(contact.text("Telefon 1234567")).toBe("Telefon [phone]");
    expect(contact.text("reach me at 5550123")).toBe("reach me at [phone]");
  });

  it("masks two numbers said back to back separately", () => {
    expect(contact.text("0170 1234567 0171 7654321")).toBe("[phone] [phone]");
  });

  it("partial masks keep the last two digits", () => {
    const partial = createRedactor(redactionRules({ kinds: ["phone"], mask: "partial" }));
    expect(partial.text("call 0170 1234567")).toBe("call [phone ending 67]");
  });

  it("masks numbers inside sip: and tel: URIs", () => {
    expect(contact.text("from sip:+14155550123@pbx.example.com")).toBe("from sip:[phone]@pbx.example.com");
    expect(contact.text("tel:+442079460958")).toBe("tel:[phone]");
  });
});

describe("context words", () => {
  it("reads them within the clause just before the number", () => {
    expect(contact.text("Tel. 1234567")).toBe("Tel. [phone]");
    expect(contact.text("Bestell-Nr. 0170 1234567")).toBe("Bestell-Nr. 0170 1234567");
    // The order number's context does not reach the phone number in the next clause.
    expect(contact.text("(order 12345678) call 0170 1234567")).toBe("(order 12345678) call [phone]");
    expect(contact.text("Thanks for the order. Call 0170 1234567")).toBe("Thanks for the order. Call [phone]");
  });

  it("takes a site's own safe words", () => {
    const site = createRedactor(redactionRules({ kinds: ["phone"], safeContexts: ["kundenkonto*"] }));
    expect(site.text("Kundenkonto 0170 1234567")).toBe("Kundenkonto 0170 1234567");
    expect(site.text("order 0170 1234567")).toBe("order [phone]");
  });
});
