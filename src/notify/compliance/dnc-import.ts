import { parseUploadedCsv } from "../csv-upload.js";
import type { DncActor, DoNotCallList } from "./dnc.js";

export interface DncImportReport {
  received: number;
  added: number;
  alreadyListed: number;
  rejected: { row: number; value: string; reason: string }[];
}

const NUMBER_COLUMNS = new Set(["number", "phone", "to", "phone_number"]);

/**
 * A do-not-call list as CSV: one number per row in the first column (or in
 * a column named number/phone/to when there is a header row), optionally a
 * `reason` column. Rows whose number is not a number are reported, the rest
 * added in one transaction, each new one audited as `by`'s.
 */
export async function importDnc(list: DoNotCallList, text: string, by: DncActor): Promise<DncImportReport> {
  const records = parseUploadedCsv(text);
  const first = records[0]?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  const hasHeader = first.some((f) => NUMBER_COLUMNS.has(f)) && !list.key(records[0]?.fields[0] ?? "");
  const numberAt = hasHeader ? first.findIndex((f) => NUMBER_COLUMNS.has(f)) : 0;
  const reasonAt = hasHeader ? first.indexOf("reason") : -1;
  const rows = hasHeader ? records.slice(1) : records;
  const report: DncImportReport = { received: rows.length, added: 0, alreadyListed: 0, rejected: [] };
  const entries: { number: string; reason: string | null }[] = [];
  for (const r of rows) {
    const value = (r.fields[numberAt] ?? "").trim();
    const key = value ? list.key(value) : null;
    if (!key) {
      report.rejected.push({ row: r.line, value, reason: value ? "not a phone number or SIP URI" : "empty" });
      continue;
    }
    entries.push({ number: key, reason: reasonAt >= 0 ? r.fields[reasonAt]?.trim() || null : null });
  }
  report.added = await list.addMany(entries, "import", by);
  report.alreadyListed = entries.length - report.added;
  return report;
}
