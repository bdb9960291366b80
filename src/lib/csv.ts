/**
 * CSV per RFC 4180, both ways: fields separated by commas, optionally quoted
 * with double quotes ("" inside quotes is a quote; quoted fields may hold
 * commas and line breaks), records ended by CRLF or LF. A leading byte-order
 * mark is ignored. Uploaded lists (recipients, do-not-call numbers) are read
 * here, result exports written here.
 */

export interface CsvRecord {
  /** 1-based line on which the record starts (for validation reports). */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(message: string, readonly line: number) {
    super(`line ${line}: ${message}`);
    this.name = "CsvSyntaxError";
  }
}

/** Parses CSV text into records; blank lines are skipped. Throws CsvSyntaxError on an unterminated quote or a stray one. */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let wasQuoted = false;
  // A record of one empty quoted field ("") is data; a truly blank line is not.
  let wasQuotedRecord = false;
  const endField = () => {
    fields.push(field);
    field = "";
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === "" && !wasQuotedRecord)) records.push({ line: recordLine, fields });
    fields = [];
    wasQuotedRecord = false;
  };
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"') {
      if (field !== "" || wasQuoted) throw new CsvSyntaxError("a quote inside an unquoted field (quote the whole field and double the quote)", line);
      quoted = true;
      wasQuoted = true;
      wasQuotedRecord = true;
    } else if (ch === ",") {
      endField();
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && src[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      if (wasQuoted) throw new CsvSyntaxError("text after a closing quote", line);
      field += ch;
    }
  }
  if (quoted) throw new CsvSyntaxError("a quoted field is never closed", recordLine);
  if (field !== "" || fields.length > 0 || wasQuoted) endRecord();
  return records;
}

/** One CSV field, quoted when it holds a comma, quote or line break. */
export function csvField(value: unknown): string {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with CRLF, as RFC 4180 writes it. */
export function csvRow(values: readonly unknown[]): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
