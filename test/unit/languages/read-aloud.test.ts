import { describe, expect, it } from "vitest";
import { readAloud, spokenFormsFor } from "../../../src/engines/tts/read-aloud/index.js";

describe("numbers in words", () => {
  it.each([
    ["en", 0, "zero"],
    ["en", 21, "twenty-one"],
    ["en", 115, "one hundred fifteen"],
    ["en", 2024, "two thousand twenty-four"],
    ["en", 1_000_001, "one million one"],
    ["de", 1, "eins"],
    ["de", 21, "einundzwanzig"],
    ["de", 101, "einhunderteins"],
    ["de", 1234, "eintausendzweihundertvierunddreißig"],
    ["de", 2_000_000, "zwei Millionen"],
    ["de", 1_000_000, "eine Million"],
    ["fr", 21, "vingt et un"],
    ["fr", 71, "soixante et onze"],
    ["fr", 80, "quatre-vingts"],
    ["fr", 81, "quatre-vingt-un"],
    ["fr", 99, "quatre-vingt-dix-neuf"],
    ["fr", 200, "deux cents"],
    ["fr", 201, "deux cent un"],
    ["fr", 80_000, "quatre-vingt mille"],
    ["fr", 1000, "mille"],
    ["fr", 2_000_000, "deux millions"],
    ["es", 16, "dieciséis"],
    ["es", 21, "veintiuno"],
    ["es", 31, "treinta y uno"],
    ["es", 100, "cien"],
    ["es", 101, "ciento uno"],
    ["es", 500, "quinientos"],
    ["es", 1000, "mil"],
    ["es", 21_000, "veintiún mil"],
    ["es", 1_000_000, "un millón"],
    ["es", 3_000_000, "tres millones"],
  ] as const)("%s %d -> %s", (language, n, words) => {
    expect(spokenFormsFor(language).cardinal(n)).toBe(words);
  });
});

describe("reading text aloud", () => {
  it.each([
    // times
    ["de", "Um 14:30 Uhr.", "Um vierzehn Uhr dreißig."],
    ["de", "von 9:00 bis 17:05", "von neun Uhr bis siebzehn Uhr fünf"],
    ["de", "ab 1 Uhr", "ab ein Uhr"],
    ["fr", "à 14h30", "à quatorze heures trente"],
    ["fr", "à 21h", "à vingt et une heures"],
    ["fr", "à 1:00", "à une heure"],
    ["es", "a las 14:30", "a las catorce y treinta"],
    ["es", "a las 14:30 horas.", "a las catorce y treinta."],
    ["es", "a la 1:00", "a la una en punto"],
    ["en", "at 14:30", "at two thirty p.m."],
    ["en", "at 9:05 am", "at nine oh five a.m."],
    ["en", "at 12:00", "at noon"],
    // dates
    ["de", "am 12.05.2024", "am zwölften Mai zweitausendvierundzwanzig"],
    ["de", "Der 1.3.2025 ist ein Samstag.", "Der erste März zweitausendfünfundzwanzig ist ein Samstag."],
    ["de", "Stand: 2024-05-12", "Stand: zwölfter Mai zweitausendvierundzwanzig"],
    ["de", "bis zum 24.12. geschlossen", "bis zum vierundzwanzigsten Dezember geschlossen"],
    ["de", "Termin am 3.5.", "Termin am dritten Mai."],
    ["fr", "le 01/06/2024", "le premier juin deux mille vingt-quatre"],
    ["fr", "le 14/07/1989", "le quatorze juillet mille neuf cent quatre-vingt-neuf"],
    ["es", "el 12/05/2024", "el doce de mayo de dos mil veinticuatro"],
    ["en", "on 5/12/2024", "on May twelfth, twenty twenty-four"],
    ["en-GB", "on 5/12/2024", "on the fifth of December twenty twenty-four"],
    ["en", "in 2024-01-03", "in January third, twenty twenty-four"],
    // money
    ["de", "Das kostet 12,50 €.", "Das kostet zwölf Euro fünfzig."],
    ["de", "nur €1.234,50", "nur eintausendzweihundertvierunddreißig Euro fünfzig"],
    ["de", "1 € bitte", "ein Euro bitte"],
    ["de", "0,50 €", "fünfzig Cent"],
    ["fr", "12,50 €", "douze euros cinquante"],
    ["fr", "21 €", "vingt et un euros"],
    ["fr", "1 €", "un euro"],
    ["es", "12,50 €", "doce euros con cincuenta"],
    ["es", "21 €", "veintiún euros"],
    ["es", "1 €", "un euro"],
    ["en", "$12.99", "twelve dollars and ninety-nine cents"],
    ["en", "€1,234.50", "one thousand two hundred thirty-four euros and fifty cents"],
    ["en", "£1", "one pound"],
    ["de", "$12.99 in Dollar", "zwölf Dollar neunundneunzig in Dollar"],
    // percentages and decimals
    ["de", "20 % Rabatt, 7,5 % Zinsen", "zwanzig Prozent Rabatt, sieben Komma fünf Prozent Zinsen"],
    ["fr", "20 %", "vingt pour cent"],
    ["es", "15 %", "quince por ciento"],
    ["en", "3.5 stars", "three point five stars"],
    ["de", "3,5 Sterne", "drei Komma fünf Sterne"],
    // phone numbers digit by digit, in their groups
    ["de", "unter 0170 1234567", "unter null eins sieben null, eins zwei drei vier fünf sechs sieben"],
    ["de", "+49 30 1234567", "plus vier neun, drei null, eins zwei drei vier fünf sechs sieben"],
    ["fr", "au 01 23 45 67 89", "au zéro un, deux trois, quatre cinq, six sept, huit neuf"],
    ["es", "al +34 612 345 678", "al más tres cuatro, seis uno dos, tres cuatro cinco, seis siete ocho"],
    ["en", "call (415) 555-0123", "call four one five, five five five, zero one two three"],
    // thousands groups are amounts, not digits
    ["fr", "1 000 000 de personnes", "un million de personnes"],
    ["de", "1.500.000 Einwohner", "eine Million fünfhunderttausend Einwohner"],
  ] as const)("%s: %s", (language, text, spoken) => {
    expect(readAloud(text, language)).toBe(spoken);
  });

  it("leaves plain numbers, words and non-dates to the voice", () => {
    for (const [language, text] of [
      ["en", "We have 3 rooms on 2 floors, room 101."],
      ["de", "Wir sind 3 Personen in Zimmer 12."],
      ["en", "Press 1 for sales."],
      ["fr", "version 3.5 du logiciel"],
      ["es", "Tenemos 2024 clientes."],
      ["es", "Tardará 3 horas."],
      ["en", "It takes 3 hours."],
    ] as const) {
      expect(readAloud(text, language)).toBe(text);
    }
  });

  it("does not read impossible dates and times as dates and times", () => {
    expect(readAloud("am 32.13.2024", "de")).not.toMatch(/Januar|Dezember|zweiunddreißig/);
    expect(readAloud("um 25:61", "de")).toBe("um 25:61");
  });

  it("falls back to English for languages it does not know", () => {
    expect(readAloud("at 14:30", "pt")).toBe("at two thirty p.m.");
  });
});
