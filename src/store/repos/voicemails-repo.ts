import type { SqlExecutor, SqlStore, SqlValue } from "../sql/port.js";

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

// Every column but PostgreSQL's search document (voicemails.search), which only search reads.
const COLUMNS = `id, audio_sha256, agent, kind, mailbox, caller, received_at, status, duration_ms, speech_ms, transcript,
  summary, caller_name, callback_number, category, tags, urgency, urgency_reason, sentiment, action, form, extraction,
  routing, error, job_id, created_at, updated_at, processed_at, callback, source`;
const INSERT = `INSERT INTO voicemails (audio_sha256, agent, kind, mailbox, caller, caller_name, received_at, status, duration_ms, source, created_at, updated_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?) RETURNING ${COLUMNS}`;
const SAVE_RESULTS = `UPDATE voicemails SET status = ?, speech_ms = ?, transcript = ?, summary = ?, caller_name = coalesce(?, caller_name),
  callback_number = ?, category = ?, tags = ?, urgency = ?, urgency_reason = ?, sentiment = ?, action = ?, form = ?,
  extraction = ?, routing = ?, error = NULL, processed_at = ?, updated_at = ? WHERE id = ?`;
const jsonText = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

/**
 * The `voicemails` table. Filters are fixed SQL fragments with bound values; nothing from input is spliced into SQL.
 * On the SQL port: with `store.url` every node reads and writes one inbox, so a message taken in on one node is
 * processed on whichever node's worker claims its job and shows on every node. `insert` and `saveResults` take
 * the executor of the caller's transaction when they are part of one.
 */
export class VoicemailsRepo {
  constructor(private readonly sql: SqlStore) {}

  async insert(v: NewVoicemail, on: SqlExecutor = this.sql): Promise<VoicemailRecord> {
    const row = await on.get<Row>(INSERT, [
      v.audioSha256,
      v.agent,
      v.kind,
      v.mailbox,
      v.caller,
      v.callerName ?? null,
      v.receivedAt,
      v.durationMs,
      v.source ?? "api",
      v.now,
      v.now,
    ]);
    return toRecord(row as Row);
  }

  /**
   * A mailbox's messages for its lamp: open (still needs someone: queued to
   * escalated, and failed) and handled. Silent and archived ones count as neither.
   */
  async mailboxCounts(mailbox: string): Promise<{ open: number; handled: number }> {
    const r = await this.sql.get<{ open: number; handled: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('queued', 'processing', 'processed', 'escalated', 'failed')) AS open,
              count(*) FILTER (WHERE status = 'handled') AS handled
       FROM voicemails WHERE mailbox = ?`,
      [mailbox],
    );
    return { open: r?.open ?? 0, handled: r?.handled ?? 0 };
  }

  async get(id: number): Promise<VoicemailRecord | null> {
    const r = await this.sql.get<Row>(`SELECT ${COLUMNS} FROM voicemails WHERE id = ?`, [id]);
    return r ? toRecord(r) : null;
  }

  async byHash(sha256: string): Promise<VoicemailRecord | null> {
    const r = await this.sql.get<Row>(`SELECT ${COLUMNS} FROM voicemails WHERE audio_sha256 = ?`, [sha256]);
    return r ? toRecord(r) : null;
  }

  /** Records (or updates, when the callback is moved at dial time) the voicemail's callback. */
  async setCallback(id: number, callback: VoicemailCallback): Promise<void> {
    await this.sql.run("UPDATE voicemails SET callback = ? WHERE id = ?", [JSON.stringify(callback), id]);
  }

  async setJob(id: number, jobId: number): Promise<void> {
    await this.sql.run("UPDATE voicemails SET job_id = ? WHERE id = ?", [jobId, id]);
  }

  async setStatus(id: number, status: VoicemailStatus, now: number): Promise<void> {
    await this.sql.run("UPDATE voicemails SET status = ?, updated_at = ? WHERE id = ?", [status, now, id]);
  }

  async markProcessing(id: number, now: number): Promise<void> {
    await this.sql.run("UPDATE voicemails SET status = 'processing', error = NULL, updated_at = ? WHERE id = ?", [
      now,
      id,
    ]);
  }

  async saveResults(id: number, r: VoicemailResults, now: number, on: SqlExecutor = this.sql): Promise<void> {
    await on.run(SAVE_RESULTS, [
      r.status,
      r.speechMs,
      r.transcript,
      r.summary,
      r.callerName,
      r.callbackNumber,
      r.category,
      JSON.stringify(r.tags),
      r.urgency,
      r.urgencyReason,
      r.sentiment,
      r.action,
      jsonText(r.form),
      jsonText(r.extraction),
      jsonText(r.routing),
      now,
      now,
      id,
    ]);
  }

  async markFailed(id: number, error: string, now: number): Promise<void> {
    await this.sql.run("UPDATE voicemails SET status = 'failed', error = ?, updated_at = ? WHERE id = ?", [
      error,
      now,
      id,
    ]);
  }

  async delete(id: number, on: SqlExecutor = this.sql): Promise<boolean> {
    return (await on.run("DELETE FROM voicemails WHERE id = ?", [id])).changes > 0;
  }

  /** Other messages still pointing at this audio (none, normally: audio is unique per message). */
  async usersOfAudio(sha256: string, on: SqlExecutor = this.sql): Promise<number> {
    const r = await on.get<{ n: number }>("SELECT count(*) AS n FROM voicemails WHERE audio_sha256 = ?", [sha256]);
    return r?.n ?? 0;
  }

  async list(f: VoicemailFilter): Promise<VoicemailRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    const add = (clause: string, ...values: SqlValue[]) => (where.push(clause), params.push(...values));
    if (f.status?.length) add(`status IN (${f.status.map(() => "?").join(", ")})`, ...f.status);
    if (f.minUrgency !== undefined) add("urgency >= ?", f.minUrgency);
    // Tags are a JSON array of text on both engines; each has its own way to look inside one.
    if (f.tag !== undefined)
      add(
        this.sql.dialect === "postgres"
          ? "EXISTS (SELECT 1 FROM jsonb_array_elements_text(tags::jsonb) AS t (value) WHERE t.value = ?)"
          : "EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?)",
        f.tag.toLowerCase(),
      );
    if (f.mailbox !== undefined) add("mailbox = ?", f.mailbox);
    if (f.agent !== undefined) add("agent = ?", f.agent);
    if (f.kind !== undefined) add("kind = ?", f.kind);
    if (f.source !== undefined) add("source = ?", f.source);
    if (f.receivedFrom !== undefined) add("received_at >= ?", f.receivedFrom);
    if (f.receivedTo !== undefined) add("received_at < ?", f.receivedTo);
    let order = "id DESC";
    if (f.sort === "urgency") {
      order = "coalesce(urgency, 0) DESC, id DESC";
      if (f.after)
        add(
          "(coalesce(urgency, 0) < ? OR (coalesce(urgency, 0) = ? AND id < ?))",
          f.after.urgency,
          f.after.urgency,
          f.after.id,
        );
    } else if (f.after) add("id < ?", f.after.id);
    const sql = `SELECT ${COLUMNS} FROM voicemails ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ?`;
    return (await this.sql.all<Row>(sql, [...params, f.limit])).map(toRecord);
  }
}
