import { parseUploadedCsv } from "../csv-upload.js";
import { ParleyError } from "../../lib/errors.js";
import { isTimeZone } from "../../lib/zoned-time.js";
import type { NotifyDeps } from "../deps.js";
import type { CampaignRecord } from "../../store/repos/campaigns-repo.js";
import type { NewNotification } from "../../store/repos/notifications-repo.js";
import { notifyContext } from "../context.js";
import { normaliseRecipient, recipientZone, undialable } from "../recipient.js";
import { cleanValue, MAX_VALUE_CHARS } from "../templates.js";
import { RENDER_JOB } from "../schedule.js";

/** One uploaded row before validation: `row` is the CSV line (header = 1) or the JSON array index + 1. */
export interface RawRecipient {
  row: number;
  to: string | undefined;
  timeZone: string | undefined;
  variables: Record<string, string>;
  /** Why the row cannot even be read (a CSV row with the wrong number of fields). */
  broken?: string;
}

export interface RowProblem {
  row: number;
  to: string | null;
  reason: string;
}

/** What an upload did: valid rows imported, listed numbers flagged (stored, never called), bad rows rejected with the reason. */
export interface ImportReport {
  received: number;
  imported: number;
  flagged: RowProblem[];
  rejected: RowProblem[];
}

export const MAX_ROWS = 100_000;
/** Columns kept per row beyond `to` and `timezone`. */
const MAX_COLUMNS = 50;
const TO_COLUMNS = new Set(["to", "number", "phone", "phone_number"]);
const ZONE_COLUMNS = new Set(["timezone", "time_zone", "tz"]);

/** CSV with a header row: a `to` (or number, phone) column, an optional `timezone` column, every other column a variable. */
export function recipientsFromCsv(text: string): RawRecipient[] {
  const records = parseUploadedCsv(text);
  const [header, ...rows] = records;
  if (!header)
    throw new ParleyError(
      "invalid_csv",
      "the CSV is empty; the first line must name the columns (to, and one per variable)",
      { status: 400 },
    );
  const names = header.fields.map((f) => f.trim());
  const toAt = names.findIndex((n) => TO_COLUMNS.has(n.toLowerCase()));
  if (toAt < 0)
    throw new ParleyError("invalid_csv", `no 'to' column in the header (${names.join(", ")})`, { status: 400 });
  const zoneAt = names.findIndex((n) => ZONE_COLUMNS.has(n.toLowerCase()));
  if (rows.length > MAX_ROWS)
    throw new ParleyError("too_many_rows", `at most ${MAX_ROWS} rows per upload`, { status: 413 });
  return rows.map((r) => {
    const variables: Record<string, string> = {};
    names.forEach((name, i) => {
      if (i !== toAt && i !== zoneAt && name) variables[name] = r.fields[i] ?? "";
    });
    // A row with another number of fields than the header is broken (a stray comma, a lost quote): it is reported, not guessed at.
    const shapeOk = r.fields.length === names.length;
    return {
      row: r.line,
      to: shapeOk ? r.fields[toAt] : undefined,
      timeZone: zoneAt >= 0 ? r.fields[zoneAt] : undefined,
      variables,
      ...(shapeOk ? {} : { broken: `${r.fields.length} fields where the header has ${names.length}` }),
    };
  });
}

/** JSON: an array (or `{recipients: [...]}`) of `{to, timeZone?, variables?}`; other keys of a row are variables too. */
export function recipientsFromJson(body: unknown): RawRecipient[] {
  const list = Array.isArray(body) ? body : (body as { recipients?: unknown } | null)?.recipients;
  if (!Array.isArray(list))
    throw new ParleyError("invalid_request", 'send an array of recipients, or {"recipients": [...]}', { status: 400 });
  if (list.length > MAX_ROWS)
    throw new ParleyError("too_many_rows", `at most ${MAX_ROWS} rows per upload`, { status: 413 });
  return list.map((item: unknown, i) => {
    const o = item && typeof item === "object" && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
    const { to, timeZone, variables, ...rest } = o;
    const vars = {
      ...rest,
      ...(variables && typeof variables === "object" ? (variables as Record<string, unknown>) : {}),
    };
    return {
      row: i + 1,
      to: typeof to === "string" ? to : typeof to === "number" ? String(to) : undefined,
      timeZone: typeof timeZone === "string" ? timeZone : undefined,
      variables: Object.fromEntries(
        Object.entries(vars).map(([k, v]) => [
          k,
          typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "",
        ]),
      ),
    };
  });
}

/**
 * Validates each row (the number normalised to E.164 or a SIP URI, no
 * duplicate within the campaign, a known time zone, every template variable
 * present and not too long) and imports the valid ones in one transaction.
 * Numbers on the do-not-call list are imported as rejected_dnc and flagged;
 * every other bad row is kept with its reason (results.csv lists it).
 */
export async function importRecipients(
  services: NotifyDeps,
  campaign: CampaignRecord,
  rows: readonly RawRecipient[],
): Promise<ImportReport> {
  const ctx = notifyContext(services);
  if (!["draft", "running", "paused"].includes(campaign.status)) {
    throw new ParleyError(
      "campaign_invalid_state",
      `campaign ${campaign.id} is ${campaign.status}: no more recipients`,
      { status: 409 },
    );
  }
  const cc = services.config.voicemail.defaultCountryCode;
  const seen = new Map<string, number>([...(await ctx.recipients.numbers(campaign.id))].map((n) => [n, 0]));
  const report: ImportReport = { received: rows.length, imported: 0, flagged: [], rejected: [] };
  const accepted: NewNotification[] = [];
  for (const r of rows) {
    const reject = (reason: string) => report.rejected.push({ row: r.row, to: r.to ?? null, reason });
    if (r.broken) {
      reject(r.broken);
      continue;
    }
    if (!r.to?.trim()) {
      reject("no number in 'to'");
      continue;
    }
    const recipient = normaliseRecipient(r.to, cc);
    if ("error" in recipient) {
      reject(recipient.error);
      continue;
    }
    const cannot = undialable(services.config.sip.trunk?.uri, recipient.to);
    if (cannot) {
      reject(cannot);
      continue;
    }
    const earlier = seen.get(recipient.to);
    if (earlier !== undefined) {
      reject(earlier === 0 ? `${recipient.to} is already in the campaign` : `${recipient.to} repeats row ${earlier}`);
      continue;
    }
    const zone = r.timeZone?.trim() || undefined;
    if (zone && !isTimeZone(zone)) {
      reject(`unknown time zone '${zone}'`);
      continue;
    }
    const missing = campaign.variables.filter((v) => cleanValue(r.variables[v]) === "");
    if (missing.length) {
      reject(`missing variables: ${missing.join(", ")}`);
      continue;
    }
    const long = campaign.variables.filter((v) => (r.variables[v] ?? "").trim().length > MAX_VALUE_CHARS);
    if (long.length) {
      reject(`longer than ${MAX_VALUE_CHARS} characters: ${long.join(", ")}`);
      continue;
    }
    seen.set(recipient.to, r.row);
    const listed = await ctx.dnc.listed(recipient.to);
    if (listed)
      report.flagged.push({
        row: r.row,
        to: recipient.to,
        reason: `on the do-not-call list (${listed.source}): imported as rejected_dnc, never called`,
      });
    // Extra columns (a customer id...) are kept too: they come back in results.csv.
    const variables = Object.fromEntries(
      Object.keys(r.variables)
        .slice(0, MAX_COLUMNS)
        .map((v) => [v, cleanValue(r.variables[v])]),
    );
    accepted.push({
      campaignId: campaign.id,
      rowNo: r.row,
      to: recipient.to,
      agent: campaign.agent,
      templateId: campaign.templateId,
      text: campaign.text,
      // Masked before they are stored, under the campaign agent's rules (docs/privacy.md); `to` stays exact.
      variables: services.privacy.scrub(campaign.agent, variables),
      menu: campaign.menu,
      disclosure: campaign.disclosure,
      window: campaign.window,
      timeZone: recipientZone(services.config.notify, recipient.to, cc, zone, campaign.window),
      amd: campaign.amd,
      status: listed ? "rejected_dnc" : "pending",
      nextAttemptAt: null,
      idempotencyKey: null,
    });
  }
  const now = services.clock.now();
  const ids = await ctx.atomically(async (tx) => {
    const inserted = await tx.notifications.insertMany(accepted, now);
    // Kept, so the results CSV shows every row of every upload: a rejected one with its reason.
    await tx.rejectedRows.insertMany(campaign.id, report.rejected, now);
    return inserted;
  });
  report.imported = accepted.length - report.flagged.length;
  // Rendered ahead of the calls, as bulk work: the first recipient renders the shared pieces, the rest hit the cache.
  const toRender = ids.filter((_, i) => accepted[i]?.status === "pending");
  await services.queue.enqueueMany(
    toRender.map((id) => ({
      kind: RENDER_JOB,
      payload: { notificationId: id },
      priority: -1,
      idempotencyKey: `notification-${id}-render`,
    })),
  );
  return report;
}
