import { CsvSyntaxError, parseCsv, type CsvRecord } from "../lib/csv.js";
import { ParleyError } from "../lib/errors.js";

/** Parses an uploaded CSV; a syntax error becomes a 400 naming the line, so nothing of a broken file is imported. */
export function parseUploadedCsv(text: string): CsvRecord[] {
  try {
    return parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new ParleyError("invalid_csv", `the CSV cannot be read: ${err.message}`, {
        status: 400,
        details: { line: err.line },
      });
    throw err;
  }
}
