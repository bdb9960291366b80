import type { CliContext } from "./types.js";

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
  align?: "left" | "right";
}

/** Renders rows as a plain, aligned text table (no colours: logs and pipes stay readable). */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((r) => columns.map((c) => cellText(c.value(r))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => (row[i] ?? "").length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]?.align === "right" ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return (
    [line(columns.map((c) => c.header)), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n") + "\n"
  );
}

function cellText(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return "-";
  return String(v);
}

export function printTable<T>(ctx: CliContext, rows: readonly T[], columns: readonly Column<T>[]): void {
  ctx.stdout.write(formatTable(rows, columns));
}

export function printJson(ctx: CliContext, value: unknown): void {
  ctx.stdout.write(JSON.stringify(value, null, 2) + "\n");
}

/** Human-readable byte count: 1.5 MB, 312 KB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
