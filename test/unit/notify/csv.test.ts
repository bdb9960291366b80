import { describe, expect, it } from "vitest";
import { csvRow, parseCsv } from "../../../src/lib/csv.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { parseUploadedCsv } from "../../../src/notify/csv-upload.js";
import { recipientsFromCsv, recipientsFromJson } from "../../../src/notify/campaigns/recipients.js";

describe("CSV (RFC 4180)", () => {
  it("reads quoted fields with commas, quotes and line breaks, CRLF or LF, a BOM, and skips blank lines", () => {
    const text = '\uFEFFto,name,note\r\n+15550100,"Smith, Ann","said ""hi"""\n\n+15550101,Bob,"two\nlines"\r\n"",,\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ["to", "name", "note"] },
      { line: 2, fields: ["+15550100", "Smith, Ann", 'said "hi"'] },
      { line: 4, fields: ["+15550101", "Bob", "two\nlines"] },
      { line: 6, fields: ["", "", ""] },
    ]);
  });

  it("rejects an unterminated quote and a quote in the middle of a field, naming the line", () => {
    expect(() => parseCsv('a,b\n"open,x\n')).toThrow(/line 2: a quoted field is never closed/);
    expect(() => parseCsv('a,b\nx"y,z\n')).toThrow(/line 2: a quote inside an unquoted field/);
    expect(() => parseCsv('a,b\n"x"y,z\n')).toThrow(/line 2: text after a closing quote/);
  });

  it("names the line a record starts on, whatever the line endings and the line breaks inside quotes", () => {
    expect(parseCsv('h\r\n\r\n"a\r\nb"\r\nz\r\n').map((r) => r.line)).toEqual([1, 3, 5]);
    expect(parseCsv('h\n"a\nb\nc"\rz\r\n\ny').map((r) => r.line)).toEqual([1, 2, 5, 7]);
    expect(() => parseCsv('h\r\n"a\r\nb"\r\nz\r\nx"y\r\n')).toThrow(/^line \d+: a quote inside an unquoted field/);
  });

  it("refuses a malformed upload with a 400 naming the line, importing nothing", () => {
    const err = (() => {
      try {
        parseUploadedCsv('to,name\n+15550100,Ann\n+15550101,"Bob\n');
      } catch (e) {
        return e as ParleyError;
      }
      throw new Error("parsed");
    })();
    expect(err).toBeInstanceOf(ParleyError);
    expect(err.status).toBe(400);
    expect(err.message).toBe("the CSV cannot be read: line 3: a quoted field is never closed");
    expect(err.details).toEqual({ line: 3 });
  });

  it("writes what it reads", () => {
    const rows = [["+1", 'a "b", c', "line\nbreak", null, 3]];
    const text = rows.map(csvRow).join("");
    expect(text).toBe('+1,"a ""b"", c","line\nbreak",,3\r\n');
    expect(parseCsv(text)[0]?.fields).toEqual(["+1", 'a "b", c', "line\nbreak", "", "3"]);
  });
});

describe("CSV exports against formula injection (OWASP)", () => {
  it.each([
    ['=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'],
    ["+SUM(A1)", "'+SUM(A1)"],
    ["-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"],
    ["@SUM(1+1)", "'@SUM(1+1)"],
    ["\t=1", "'\t=1"],
    ["\r=1", "'\r=1"],
    ["+1 415 555 0123", "'+1 415 555 0123"],
  ])("prefixes %j with a single quote", (cell, written) => {
    expect(parseCsv(csvRow(["x", cell]))[0]?.fields).toEqual(["x", written]);
  });

  it("leaves E.164 numbers, signed numbers and ordinary text as they are", () => {
    const text = csvRow([
      "+14155550123",
      "+390612345678",
      "-5",
      "+2.5",
      3,
      -3,
      "sip:+15550100@pbx",
      "Ann = Bob",
      "a-b",
    ]);
    expect(text).toBe("+14155550123,+390612345678,-5,+2.5,3,-3,sip:+15550100@pbx,Ann = Bob,a-b\r\n");
  });
});

describe("recipient uploads", () => {
  it("maps the header: to (or number/phone), timezone, and the rest as variables; flags rows of the wrong shape", () => {
    const rows = recipientsFromCsv("Phone,name,TimeZone,date\n+15550100,Ann,America/Chicago,Monday\n+15550101,Bob\n");
    expect(rows[0]).toEqual({
      row: 2,
      to: "+15550100",
      timeZone: "America/Chicago",
      variables: { name: "Ann", date: "Monday" },
    });
    expect(rows[1]).toMatchObject({ row: 3, to: undefined, broken: "2 fields where the header has 4" });
    expect(() => recipientsFromCsv("name,date\nAnn,Monday\n")).toThrow(/no 'to' column/);
    expect(() => recipientsFromCsv("")).toThrow(/empty/);
  });

  it("takes JSON rows with variables nested or flat", () => {
    expect(
      recipientsFromJson({
        recipients: [{ to: "+15550100", variables: { name: "Ann" } }, { to: 15550101, name: "Bob", n: 2 }, "junk"],
      }),
    ).toEqual([
      { row: 1, to: "+15550100", timeZone: undefined, variables: { name: "Ann" } },
      { row: 2, to: "15550101", timeZone: undefined, variables: { name: "Bob", n: "2" } },
      { row: 3, to: undefined, timeZone: undefined, variables: {} },
    ]);
    expect(() => recipientsFromJson({ rows: [] })).toThrow(/array of recipients/);
  });
});
