/**
 * CSV per RFC 4180, both ways, with csv-parse and csv-stringify: fields
 * separated by commas, optionally quoted with double quotes ("" inside quotes
 * is a quote; quoted fields may hold commas and line breaks), records ended
 * by CRLF, LF or CR. A leading byte-order mark is ignored. Uploaded lists
 * (recipients, do-not-call numbers) are read here, result exports written here.
 */
import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";

export interface CsvRecord {
  /** 1-based line on which the record starts (for validation reports). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
  }
}

/** csv-parse's errors in the words of the upload report. */
const SYNTAX_ERRORS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted field is never closed",
  INVALID_OPENING_QUOTE: "a quote inside an unquoted field (quote the whole field and double the quote)",
  CSV_INVALID_CLOSING_QUOTE: "text after a closing quote",
};

const LINE_BREAK = /\r\n|\r|\n/g;

interface ParsedRow {
  record: string[];
  info: { lines: number };
}

/** Parses CSV text into records; blank lines are skipped. Throws CsvSyntaxError on an unterminated quote or a stray one. */
export function parseCsv(text: string): CsvRecord[] {
  let rows: ParsedRow[];
  try {
    // With `info`, each row comes as { record, info }: csv-parse's types do not follow the option.
    rows = parse(text, {
      bom: true,
      info: true,
      // Row shapes are the caller's to judge (it names the row); a line of one quoted empty field ("") is data.
      relax_column_count: true,
      skip_empty_lines: true,
      // Files mix line endings (an export edited by hand); without the list, the first ending found is the only one.
      record_delimiter: ["\r\n", "\n", "\r"],
    }) as unknown as ParsedRow[];
  } catch (err) {
    if (err instanceof CsvError)
      throw new CsvSyntaxError(SYNTAX_ERRORS[err.code] ?? err.message, Number((err as { lines?: number }).lines ?? 1));
    throw err;
  }
  // csv-parse counts the line on which a record ends, and a CRLF inside a quoted field as two lines:
  // take back what it over-counted so far, then the record's own line breaks, to name the line it starts on.
  let overCounted = 0;
  return rows.map(({ record, info }) => {
    const breaks = record.reduce((n, f) => n + (f.match(LINE_BREAK)?.length ?? 0), 0);
    overCounted += record.reduce((n, f) => n + (f.match(/\r\n/g)?.length ?? 0), 0);
    return { line: info.lines - overCounted - breaks, fields: record };
  });
}

/**
 * Spreadsheets run a cell that starts with =, +, -, @ (and, per OWASP, a tab
 * or carriage return) as a formula; a downloaded export must not run
 * anything. OWASP's remedy is a leading single quote, which the spreadsheet
 * shows as text. A number with a sign is exempt (as in Python's defusedcsv):
 * a formula of digits computes nothing, so an E.164 number such as
 * +14155550123 is exported as it is, for programs and people to read. A
 * spreadsheet may still show it as a number (14155550123): import the column
 * as text to keep the +.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const SIGNED_NUMBER = /^[+-]?\d+(\.\d+)?$/;

function neutralise(s: string): string {
  return FORMULA_START.test(s) && !SIGNED_NUMBER.test(s) ? `'${s}` : s;
}

/** One CSV field: quoted when it holds a comma, quote or line break; text a spreadsheet would run as a formula is neutralised. */
export function csvField(value: unknown): string {
  return csvRow([value]).slice(0, -2);
}

/** One CSV record with CRLF, as RFC 4180 writes it. */
export function csvRow(values: readonly unknown[]): string {
  return stringify([values.map((v) => (v === null || v === undefined ? "" : neutralise(String(v))))], {
    record_delimiter: "\r\n",
    // A line break inside a field is quoted whatever the record delimiter (csv-stringify quotes only its own).
    quoted_match: /[\r\n]/,
  });
}
