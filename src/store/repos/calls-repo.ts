import type { SqlStore, SqlValue } from "../sql/port.js";
import type { TurnRecord } from "../records/call-turn.js";

export interface CallRecord {
  id: number;
  sipCallId: string;
  direction: "inbound" | "outbound";
  fromUri: string;
  toUri: string;
  remoteNumber: string | null;
  agent: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: string | null;
  recordingPath: string | null;
  rtpStats: unknown;
  summary: unknown;
  context: unknown;
  voicemailId: number | null;
}

export interface CallTurnRow {
  idx: number;
  role: "user" | "agent";
  text: string;
  source: string | null;
  at: number;
  interrupted: boolean;
  /** The turn failed; `failure` says where and why. */
  failed: boolean;
  failure: TurnRecord["failure"] | null;
  toolCalls: unknown;
  /** Knowledge chunks the answer was given (search_knowledge). */
  sources: TurnRecord["sources"] | null;
  timing: TurnRecord["timing"] | null;
  contextFit: TurnRecord["contextFit"] | null;
}

type Row = Record<string, unknown>;
const json = (v: unknown) => (v === null || v === undefined ? null : (JSON.parse(v as string) as unknown));

function toCall(r: Row): CallRecord {
  return {
    id: r.id as number,
    sipCallId: r.sip_call_id as string,
    direction: r.direction as "inbound" | "outbound",
    fromUri: r.from_uri as string,
    toUri: r.to_uri as string,
    remoteNumber: r.remote_number as string | null,
    agent: r.agent as string,
    startedAt: r.started_at as number,
    answeredAt: r.answered_at as number | null,
    endedAt: r.ended_at as number | null,
    outcome: r.outcome as string | null,
    recordingPath: r.recording_path as string | null,
    rtpStats: json(r.rtp_stats),
    summary: json(r.summary),
    context: json(r.context),
    voicemailId: r.voicemail_id as number | null,
  };
}

// Every column but PostgreSQL's search document (calls.search), which nothing outside search reads.
const CALL_COLUMNS = `id, sip_call_id, direction, from_uri, to_uri, remote_number, agent, started_at, answered_at, ended_at,
  outcome, recording_path, rtp_stats, summary, context, voicemail_id`;
const INSERT = `INSERT INTO calls (sip_call_id, direction, from_uri, to_uri, remote_number, agent, started_at, context)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING ${CALL_COLUMNS}`;
// A turn written again (its final text, its timing) replaces the first write. SQLite keeps INSERT OR REPLACE: an
// upsert there would fire the BEFORE INSERT and the UPDATE triggers of the FTS5 index (migration 022) both, removing
// the call's document twice, which corrupts an external-content index. PostgreSQL has no REPLACE; its upsert fires
// the search trigger once per write.
const TURN_COLUMNS = `call_id, idx, role, text, source, at, interrupted, failed, failure, tool_calls, sources, timing, context_fit`;
const TURN = {
  sqlite: `INSERT OR REPLACE INTO call_turns (${TURN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  postgres: `INSERT INTO call_turns (${TURN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (call_id, idx) DO UPDATE SET role = excluded.role, text = excluded.text, source = excluded.source,
      at = excluded.at, interrupted = excluded.interrupted, failed = excluded.failed, failure = excluded.failure,
      tool_calls = excluded.tool_calls, sources = excluded.sources, timing = excluded.timing,
      context_fit = excluded.context_fit`,
};

/**
 * The `calls` and `call_turns` tables. On the SQL port: with `store.url` every node's calls are in one log that any
 * node lists. A live call writes here without waiting: the call's own code never awaits these writes between the
 * caller's last word and the agent's reply (see calls/call-log.ts).
 */
export class CallsRepo {
  constructor(private readonly sql: SqlStore) {}

  async start(c: {
    sipCallId: string;
    direction: "inbound" | "outbound";
    fromUri: string;
    toUri: string;
    remoteNumber: string | null;
    agent: string;
    startedAt: number;
    context?: unknown;
  }): Promise<CallRecord> {
    const row = await this.sql.get<Row>(INSERT, [
      c.sipCallId,
      c.direction,
      c.fromUri,
      c.toUri,
      c.remoteNumber,
      c.agent,
      c.startedAt,
      c.context === undefined ? null : JSON.stringify(c.context),
    ]);
    return toCall(row as Row);
  }

  async answered(id: number, at: number): Promise<void> {
    await this.sql.run("UPDATE calls SET answered_at = ? WHERE id = ?", [at, id]);
  }

  async end(
    id: number,
    e: { endedAt: number; outcome: string; recordingPath: string | null; rtpStats: unknown },
  ): Promise<void> {
    await this.sql.run("UPDATE calls SET ended_at = ?, outcome = ?, recording_path = ?, rtp_stats = ? WHERE id = ?", [
      e.endedAt,
      e.outcome,
      e.recordingPath,
      e.rtpStats === null ? null : JSON.stringify(e.rtpStats),
      id,
    ]);
  }

  async turn(callId: number, t: TurnRecord): Promise<void> {
    await this.sql.run(TURN[this.sql.dialect], [
      callId,
      t.index,
      t.role,
      t.text,
      t.source ?? null,
      t.at,
      t.interrupted ? 1 : 0,
      t.failed ? 1 : 0,
      t.failure ? JSON.stringify(t.failure) : null,
      t.toolCalls ? JSON.stringify(t.toolCalls) : null,
      t.sources?.length ? JSON.stringify(t.sources) : null,
      t.timing ? JSON.stringify(t.timing) : null,
      t.contextFit ? JSON.stringify(t.contextFit) : null,
    ]);
  }

  async get(id: number): Promise<CallRecord | null> {
    const r = await this.sql.get<Row>(`SELECT ${CALL_COLUMNS} FROM calls WHERE id = ?`, [id]);
    return r ? toCall(r) : null;
  }

  async turns(id: number): Promise<CallTurnRow[]> {
    const rows = await this.sql.all<Row>("SELECT * FROM call_turns WHERE call_id = ? ORDER BY idx", [id]);
    return rows.map((r) => ({
      idx: r.idx as number,
      role: r.role as "user" | "agent",
      text: r.text as string,
      source: r.source as string | null,
      at: r.at as number,
      interrupted: r.interrupted === 1,
      failed: r.failed === 1,
      failure: json(r.failure) as TurnRecord["failure"] | null,
      toolCalls: json(r.tool_calls),
      sources: json(r.sources) as TurnRecord["sources"] | null,
      timing: json(r.timing) as TurnRecord["timing"] | null,
      contextFit: json(r.context_fit) as TurnRecord["contextFit"] | null,
    }));
  }

  async setSummary(id: number, summary: unknown): Promise<void> {
    await this.sql.run("UPDATE calls SET summary = ? WHERE id = ?", [JSON.stringify(summary), id]);
  }

  /** An outbound call was answered: its SIP Call-ID and the From we actually sent. */
  async setSipIdentity(id: number, sipCallId: string, fromUri: string): Promise<void> {
    await this.sql.run("UPDATE calls SET sip_call_id = ?, from_uri = ? WHERE id = ?", [sipCallId, fromUri, id]);
  }

  async linkVoicemail(id: number, voicemailId: number): Promise<void> {
    await this.sql.run("UPDATE calls SET voicemail_id = ? WHERE id = ?", [voicemailId, id]);
  }

  /** Newest first; `beforeId` is the cursor (the last id of the previous page). */
  async list(o: {
    outcome?: string | undefined;
    direction?: string | undefined;
    beforeId?: number | undefined;
    limit: number;
  }): Promise<CallRecord[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (o.outcome) (where.push("outcome = ?"), params.push(o.outcome));
    if (o.direction) (where.push("direction = ?"), params.push(o.direction));
    if (o.beforeId) (where.push("id < ?"), params.push(o.beforeId));
    const sql = `SELECT ${CALL_COLUMNS} FROM calls ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (await this.sql.all<Row>(sql, [...params, o.limit])).map(toCall);
  }
}
