import { describe, expect, it } from "vitest";
import { createRedactor, nationalIdValidators, redactionRules } from "../../../src/lib/pii/index.js";

const ids = createRedactor(redactionRules({ kinds: ["nationalId"] }));

describe("national ID validators", () => {
  it("US SSN: allocation rules (no checksum exists)", () => {
    const v = nationalIdValidators["us-ssn"];
    expect(v("123456789")).toBe(true);
    expect(v("000123456")).toBe(false); // area 000
    expect(v("666123456")).toBe(false); // area 666
    expect(v("912345678")).toBe(false); // 9xx areas are ITINs
    expect(v("123006789")).toBe(false); // group 00
    expect(v("123450000")).toBe(false); // serial 0000
  });

  it("UK NINO: prefix and suffix rules", () => {
    const v = nationalIdValidators["uk-nino"];
    expect(v("AB123456C")).toBe(true);
    expect(v("QQ123456C")).toBe(false); // Q never used
    expect(v("GB123456A")).toBe(false); // unallocated prefix
    expect(v("AO123456A")).toBe(false); // O not second
    expect(v("AB123456E")).toBe(false); // suffix A-D only
  });

  it("Spanish DNI and NIE: mod-23 check letter", () => {
    expect(nationalIdValidators["es-dni"]("12345678Z")).toBe(true);
    expect(nationalIdValidators["es-dni"]("12345678A")).toBe(false);
    expect(nationalIdValidators["es-nie"]("X1234567L")).toBe(true);
    expect(nationalIdValidators["es-nie"]("Y1234567X")).toBe(true);
    expect(nationalIdValidators["es-nie"]("X1234567A")).toBe(false);
  });

  it("Italian codice fiscale: check character, homonym letters", () => {
    const v = nationalIdValidators["it-codice-fiscale"];
    expect(v("RSSMRA85T10A562S")).toBe(true);
    expect(v("RSSMRA85T10A562T")).toBe(false);
    expect(v("RSSMRA85Z10A562S")).toBe(false); // Z is no month letter
  });

  it("German Steuer-ID: MOD 11,10 check digit and the repeated-digit rule", () => {
    const v = nationalIdValidators["de-steuer-id"];
    for (const good of ["86095742719", "47036892816", "65929970489", "57549285017", "25768131411"])
      expect(v(good), good).toBe(true);
    expect(v("86095742718")).toBe(false); // check digit
    expect(v("06095742719")).toBe(false); // leading zero
    expect(v("12345678903")).toBe(false); // no repeated digit
  });

  it("French NIR: mod-97 key, Corsica departments", () => {
    const v = nationalIdValidators["fr-nir"];
    expect(v("255081416802538")).toBe(true);
    expect(v("184127645108946")).toBe(true);
    expect(v("184127645108947")).toBe(false);
    expect(v("355081416802538")).toBe(false); // no sex digit 5... 3 is provisional but key differs
    // 2A counts as 19 in the key: body 2 69 05 19 012 345 -> key 97 - (2690519012345 mod 97).
    const body = 2690519012345n;
    const key = String(97n - (body % 97n)).padStart(2, "0");
    expect(v(`26905${"2A"}012345${key}`)).toBe(true);
  });
});

describe("national IDs in text", () => {
  it("masks formatted and lettered IDs of every scheme", () => {
    expect(ids.text("SSN 123-45-6789.")).toBe("SSN [national id].");
    expect(ids.text("NI number AB 12 34 56 C")).toBe("NI number [national id]");
    expect(ids.text("mi DNI es 12345678-Z")).toBe("mi DNI es [national id]");
    expect(ids.text("NIE X-1234567-L")).toBe("NIE [national id]");
    expect(ids.text("codice fiscale rssmra85t10a562s")).toBe("codice fiscale [national id]");
    expect(ids.text("Steuer-ID 86 095 742 719")).toBe("Steuer-ID [national id]");
    expect(ids.text("numéro de sécu 1 84 12 76 451 089 46")).toBe("numéro de sécu [national id]");
  });

  it("accepts bare digit-only IDs only after a word that names them", () => {
    expect(ids.text("my social security number is 123456789")).toBe("my social security number is [national id]");
    expect(ids.text("meine Steueridentifikationsnummer ist 86095742719")).toBe(
      "meine Steueridentifikationsnummer ist [national id]",
    );
    expect(ids.text("reference 123456789")).toBe("reference 123456789");
    expect(ids.text("Artikel 86095742719")).toBe("Artikel 86095742719");
    expect(ids.text("86095742719")).toBe("86095742719");
  });

  it("masks an SSN read out in words after the keyword", () => {
    expect(ids.text("SSN one two three four five six seven eight nine")).toBe("SSN [national id]");
  });

  it("only looks for the schemes it is given", () => {
    const usOnly = createRedactor(redactionRules({ kinds: ["nationalId"], nationalIds: ["us-ssn"] }));
    expect(usOnly.text("123-45-6789 and 12345678Z")).toBe("[national id] and 12345678Z");
  });

  it("leaves IDs whose check fails", () => {
    for (const s of ["12345678A", "X1234567A", "RSSMRA85T10A562T", "86 095 742 718", "AB 12 34 56 E"])
      expect(ids.text(s)).toBe(s);
  });
});
