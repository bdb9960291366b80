import { csvRow } from "../../lib/csv.js";
import type { CampaignRecord } from "../../store/repos/campaigns-repo.js";
import type { NotificationRecord } from "../../store/repos/notifications-repo.js";
import type { NotifyContext } from "../context.js";
import type { RejectedRow } from "../../store/repos/campaign-rejected-rows-repo.js";

const COLUMNS = [
  "row",
  "to",
  "status",
  "outcome",
  "attempts",
  "choice",
  "digits",
  "call_id",
  "time_zone",
  "next_attempt_at",
  "finished_at",
  "error",
];
const PAGE = 500;

const iso = (ms: number | null) => (ms === null ? "" : new Date(ms).toISOString());

/** One recipient's line: its status and outcome, then its variables in the template's order. */
function line(n: NotificationRecord, variables: readonly string[]): string {
  return csvRow([
    n.rowNo,
    n.to,
    n.status,
    n.outcome,
    n.attempts,
    n.choice,
    n.digits,
    n.lastCallId,
    n.timeZone,
    iso(n.nextAttemptAt),
    iso(n.finishedAt),
    n.error,
    ...variables.map((v) => n.variables[v]),
  ]);
}

/** A row the upload rejected: status `rejected`, the reason in `error`, no variables (they were never imported). */
function rejectedLine(r: RejectedRow, variables: readonly string[]): string {
  return csvRow([r.row, r.to, "rejected", "", 0, "", "", "", "", "", "", r.reason, ...variables.map(() => "")]);
}

/**
 * The campaign's per-recipient results as CSV (RFC 4180), in upload order, read a page at a time as the client
 * reads; then the rows the uploads rejected, with their reason, so every row sent appears once.
 */
export async function resultsCsv(ctx: NotifyContext, campaign: CampaignRecord): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  // The template's variables first, in its order, then any other upload columns (a customer id...).
  const variables = [
    ...campaign.variables,
    ...(await ctx.recipients.columns(campaign.id)).filter((c) => !campaign.variables.includes(c)),
  ];
  let after = 0;
  let rejectedAfter = 0;
  let recipientsDone = false;
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(csvRow([...COLUMNS, ...variables])));
        return;
      }
      if (!recipientsDone) {
        const page = await ctx.recipients.page(campaign.id, after, PAGE);
        if (page.length > 0) {
          after = page[page.length - 1]?.id ?? after;
          controller.enqueue(encoder.encode(page.map((n) => line(n, variables)).join("")));
          return;
        }
        recipientsDone = true;
      }
      const rejected = await ctx.rejectedRows.page(campaign.id, rejectedAfter, PAGE);
      if (rejected.length === 0) {
        controller.close();
        return;
      }
      rejectedAfter = rejected[rejected.length - 1]?.id ?? rejectedAfter;
      controller.enqueue(encoder.encode(rejected.map((r) => rejectedLine(r, variables)).join("")));
    },
  });
}
