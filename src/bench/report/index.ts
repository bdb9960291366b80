import { loadReports, type LoadedReport } from "./load.js";
import { ReportPage } from "./page.js";

export { classify, loadReports, type LoadedReport } from "./load.js";

/** One self-contained HTML page (inline CSS and SVG, no script, nothing fetched) from parsed bench reports. */
export async function renderReport(reports: LoadedReport[], generatedAt = new Date()): Promise<string> {
  return `<!doctype html>${String(await ReportPage({ reports, generatedAt }))}`;
}

/**
 * `parley bench report`: reads the JSON of `parley bench calls|batch|notify|engines --json`
 * and draws them. Files that are missing or not bench reports are listed as skipped.
 *
 * @example
 * const { html, used } = await benchReport(["calls.json", "batch.json"]);
 */
export async function benchReport(
  files: string[],
  generatedAt = new Date(),
): Promise<{ html: string; reports: LoadedReport[]; used: number }> {
  const reports = await loadReports(files);
  return {
    html: await renderReport(reports, generatedAt),
    reports,
    used: reports.filter((r) => r.kind !== null).length,
  };
}
