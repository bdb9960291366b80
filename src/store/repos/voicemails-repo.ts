import type { Database, Statement } from "better-sqlite3";

export const voicemailStatuses = [
  "queued",
  "processing",
  "processed",
  "silent",
  "failed",
  "escalated",
  "handled",
  "archived",
] as const;
export type VoicemailStatus = (typeof voicemailStatuses)[number];

/** Where a voicemail came from: an upload, a SIP mailbox, voicemail-to-email, a spool folder, a live agent's message. */
export const voicemailSources = ["api", "sip-mailbox", "smtp", "folder", "call"] as const;
export type VoicemailSource = (typeof voicemailSources)[number];

/** A stored message: what was uploaded, plus what processing made of it (`VoicemailResults`). */
export interface VoicemailRecord extends VoicemailResults {
  id: number;
  audioSha256: string;
  agent: string;
  kind: "voicemail" | "form";
  mailbox: string | null;
  caller: string | null;
  receivedAt: number;
  durationMs: number;
  source: VoicemailSource;
  error: string | null;
  jobId: number | null;
  createdAt: number;
  updatedAt: number;
  processedAt: number | null;
  /** The callback its routing queued, if any. */
  callback: VoicemailCallback | null;
}

/** A callback queued for a voicemail: asked for at `requestedAt`, placed at `at` (null: no time left), `delay` says why later. */
export interface VoicemailCallback {
  jobId: number;
  requestedAt: number;
  at: number | null;
  delay: string | null;
}

type Row = Record<string, unknown>;
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.parse(v as string));

function toRecord(r: Row): VoicemailRecord {
  return {
    id: r.id as number,
    audioSha256: r.audio_sha256 as string,
    agent: r.agent as string,
    kind: r.kind as "voicemail" | "form",
    mailbox: r.mailbox as string | null,
    caller: r.caller as string | null,
    receivedAt: r.received_at as number,
    status: r.status as VoicemailStatus,
    durationMs: r.duration_ms as number,
    source: r.source as VoicemailSource,
    speechMs: r.speech_ms as number | null,
    transcript: r.transcript as string | null,
    summary: r.summary as string | null,
    callerName: r.caller_name as string | null,
    callbackNumber: r.callback_number as string | null,
    category: r.category as string | null,
    tags: json(r.tags) as string[],
    urgency: r.urgency as number | null,
    urgencyReason: r.urgency_reason as string | null,
    sentiment: r.sentiment as string | null,
    action: r.action as string | null,
    form: json(r.form),
    extraction: json(r.extraction),
    routing: json(r.routing),
    error: r.error as string | null,
    jobId: r.job_id as number | null,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    processedAt: r.processed_at as number | null,
    callback: json(r.callback) as VoicemailCallback | null,
  };
}

export interface NewVoicemail {
  audioSha256: string;
  agent: string;
  kind: "voicemail" | "form";
  mailbox: string | null;
  caller: string | null;
  receivedAt: number;
  durationMs: number;
  /** Default `api`. */
  source?: VoicemailSource;
  /** The caller's name as the PBX gave it (caller ID); processing keeps it unless the message names the caller. */
  callerName?: string | null;
  now: number;
}

export interface VoicemailResults {
  status: VoicemailStatus;
  speechMs: number | null;
  transcript: string | null;
  summary: string | null;
  callerName: string | null;
  callbackNumber: string | null;
  category: string | null;
  tags: string[];
  urgency: number | null;
  urgencyReason: string | null;
  sentiment: string | null;
  action: string | null;
  form: unknown;
  extraction: unknown;
  routing: unknown;
}

export interface VoicemailFilter {
  status?: VoicemailStatus[] | undefined;
  minUrgency?: number | undefined;
  tag?: string | undefined;
  mailbox?: string | undefined;
  agent?: string | undefined;
  kind?: "voicemail" | "form" | undefined;
  source?: VoicemailSource | undefined;
  receivedFrom?: number | undefined;
  receivedTo?: number | undefined;
  /** "newest" (id desc) or "urgency" (urgency desc, then newest): the inbox puts urgent messages first. */
  sort: "newest" | "urgency";
  /** Position after which the page starts: the last item of the previous page. */
  after?: { id: number; urgency: number } | undefined;
  limit: number;
}

/** The `voicemails` table. Filters are fixed SQL fragments with bound values; nothing from input is spliced into SQL. */
export class VoicemailsRepo {
  private readonly insertStmt: Statement;
  private readonly getStmt: Statement<[number], Row>;
  private readonly byHashStmt: Statement<[string], Row>;
  private readonly setJobStmt: Statement<[number, number]>;
  private readonly setStatusStmt: Statement<[string, number, number]>;
  private readonly claimStmt: Statement<[number, number]>;
  private readonly resultsStmt: Statement;
  private readonly failStmt: Statement<[string, number, number]>;
  private readonly deleteStmt: Statement<[number]>;
  private readonly countByHashStmt: Statement<[string], { n: number }>;
  private readonly mailboxCountsStmt: Statement<[string], { open: number | null; handled: number | null }>;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO voicemails (audio_sha256, agent, kind, mailbox, caller, caller_name, received_at, status, duration_ms, source, created_at, updated_at)
       VALUES (@audioSha256, @agent, @kind, @mailbox, @caller, @callerName, @receivedAt, 'queued', @durationMs, @source, @now, @now) RETURNING *`,
    );
    this.getStmt = db.prepare("SELECT * FROM voicemails WHERE id = ?");
    this.byHashStmt = db.prepare("SELECT * FROM voicemails WHERE audio_sha256 = ?");
    this.setJobStmt = db.prepare("UPDATE voicemails SET job_id = ? WHERE id = ?");
    this.setStatusStmt = db.prepare("UPDATE voicemails SET status = ?, updated_at = ? WHERE id = ?");
    this.claimStmt = db.prepare(
      "UPDATE voicemails SET status = 'processing', error = NULL, updated_at = ? WHERE id = ?",
    );
    this.resultsStmt = db.prepare(
      `UPDATE voicemails SET status = @status, speech_ms = @speechMs, transcript = @transcript, summary = @summary, caller_name = coalesce(@callerName, caller_name),
       callback_number = @callbackNumber, category = @category, tags = @tags, urgency = @urgency, urgency_reason = @urgencyReason,
       sentiment = @sentiment, action = @action, form = @form, extraction = @extraction, routing = @routing, error = NULL,
       processed_at = @now, updated_at = @now WHERE id = @id`,
    );
    this.failStmt = db.prepare("UPDATE voicemails SET status = 'failed', error = ?, updated_at = ? WHERE id = ?");
    this.deleteStmt = db.prepare("DELETE FROM voicemails WHERE id = ?");
    this.countByHashStmt = db.prepare("SELECT count(*) AS n FROM voicemails WHERE audio_sha256 = ?");
    this.mailboxCountsStmt = db.prepare(
      `SELECT sum(status IN ('queued', 'processing', 'processed', 'escalated', 'failed')) AS open,
              sum(status = 'handled') AS handled
       FROM voicemails WHERE mailbox = ?`,
    );
  }

  insert(v: NewVoicemail): VoicemailRecord {
    return toRecord(this.insertStmt.get({ source: "api", callerName: null, ...v }) as Row);
  }

  /**
   * A mailbox's messages for its lamp: open (still needs someone: queued to
   * escalated, and failed) and handled. Silent and archived ones count as neither.
   */
  mailboxCounts(mailbox: string): { open: number; handled: number } {
    const r = this.mailboxCountsStmt.get(mailbox);
    return { open: r?.open ?? 0, handled: r?.handled ?? 0 };
  }

  get(id: number): VoicemailRecord | null {
    const r = this.getStmt.get(id);
    return r ? toRecord(r) : null;
  }

  byHash(sha256: string): VoicemailRecord | null {
    const r = this.byHashStmt.get(sha256);
    return r ? toRecord(r) : null;
  }

  /** Records (or updates, when the callback is moved at dial time) the voicemail's callback. */
  setCallback(id: number, callback: VoicemailCallback): void {
    this.db.prepare("UPDATE voicemails SET callback = ? WHERE id = ?").run(JSON.stringify(callback), id);
  }

  setJob(id: number, jobId: number): void {
    this.setJobStmt.run(jobId, id);
  }

  setStatus(id: number, status: VoicemailStatus, now: number): void {
    this.setStatusStmt.run(status, now, id);
  }

  markProcessing(id: number, now: number): void {
    this.claimStmt.run(now, id);
  }

  saveResults(id: number, r: VoicemailResults, now: number): void {
    this.resultsStmt.run({
      ...r,
      tags: JSON.stringify(r.tags),
      form: r.form === null || r.form === undefined ? null : JSON.stringify(r.form),
      extraction: r.extraction === null || r.extraction === undefined ? null : JSON.stringify(r.extraction),
      routing: r.routing === null || r.routing === undefined ? null : JSON.stringify(r.routing),
      id,
      now,
    });
  }

  markFailed(id: number, error: string, now: number): void {
    this.failStmt.run(error, now, id);
  }

  delete(id: number): boolean {
    return this.deleteStmt.run(id).changes > 0;
  }

  /** Other messages still pointing at this audio (none, normally: audio is unique per message). */
  usersOfAudio(sha256: string): number {
    return (this.countByHashStmt.get(sha256) as { n: number }).n;
  }

  list(f: VoicemailFilter): VoicemailRecord[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: f.limit };
    if (f.status?.length) {
      where.push(`status IN (${f.status.map((_, i) => `@s${i}`).join(", ")})`);
      f.status.forEach((s, i) => (params[`s${i}`] = s));
    }
    if (f.minUrgency !== undefined) (where.push("urgency >= @minUrgency"), (params.minUrgency = f.minUrgency));
    if (f.tag !== undefined)
      (where.push("EXISTS (SELECT 1 FROM json_each(tags) WHERE value = @tag)"), (params.tag = f.tag.toLowerCase()));
    if (f.mailbox !== undefined) (where.push("mailbox = @mailbox"), (params.mailbox = f.mailbox));
    if (f.agent !== undefined) (where.push("agent = @agent"), (params.agent = f.agent));
    if (f.kind !== undefined) (where.push("kind = @kind"), (params.kind = f.kind));
    if (f.source !== undefined) (where.push("source = @source"), (params.source = f.source));
    if (f.receivedFrom !== undefined) (where.push("received_at >= @from"), (params.from = f.receivedFrom));
    if (f.receivedTo !== undefined) (where.push("received_at < @to"), (params.to = f.receivedTo));
    let order = "id DESC";
    if (f.sort === "urgency") {
      order = "coalesce(urgency, 0) DESC, id DESC";
      if (f.after) {
        where.push("(coalesce(urgency, 0) < @au OR (coalesce(urgency, 0) = @au AND id < @aid))");
        params.au = f.after.urgency;
        params.aid = f.after.id;
      }
    } else if (f.after) {
      where.push("id < @aid");
      params.aid = f.after.id;
    }
    const sql = `SELECT * FROM voicemails ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(toRecord);
  }
}
