import type { Database, Statement } from "better-sqlite3";
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

/** The `calls` and `call_turns` tables. */
export class CallsRepo {
  private readonly insertStmt: Statement;
  private readonly answeredStmt: Statement<[number, number]>;
  private readonly endStmt: Statement;
  private readonly turnStmt: Statement;
  private readonly getStmt: Statement<[number], Row>;
  private readonly turnsStmt: Statement<[number], Row>;
  private readonly summaryStmt: Statement<[string, number]>;
  private readonly voicemailStmt: Statement<[number, number]>;
  private readonly sipIdStmt: Statement<[string, string, number]>;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO calls (sip_call_id, direction, from_uri, to_uri, remote_number, agent, started_at, context)
       VALUES (@sipCallId, @direction, @fromUri, @toUri, @remoteNumber, @agent, @startedAt, @context) RETURNING *`,
    );
    this.answeredStmt = db.prepare("UPDATE calls SET answered_at = ? WHERE id = ?");
    this.endStmt = db.prepare(
      "UPDATE calls SET ended_at = @endedAt, outcome = @outcome, recording_path = @recordingPath, rtp_stats = @rtpStats WHERE id = @id",
    );
    this.turnStmt = db.prepare(
      `INSERT OR REPLACE INTO call_turns (call_id, idx, role, text, source, at, interrupted, failed, failure, tool_calls, sources, timing, context_fit)
       VALUES (@callId, @idx, @role, @text, @source, @at, @interrupted, @failed, @failure, @toolCalls, @sources, @timing, @contextFit)`,
    );
    this.getStmt = db.prepare("SELECT * FROM calls WHERE id = ?");
    this.turnsStmt = db.prepare("SELECT * FROM call_turns WHERE call_id = ? ORDER BY idx");
    this.summaryStmt = db.prepare("UPDATE calls SET summary = ? WHERE id = ?");
    this.voicemailStmt = db.prepare("UPDATE calls SET voicemail_id = ? WHERE id = ?");
    this.sipIdStmt = db.prepare("UPDATE calls SET sip_call_id = ?, from_uri = ? WHERE id = ?");
  }

  start(c: {
    sipCallId: string;
    direction: "inbound" | "outbound";
    fromUri: string;
    toUri: string;
    remoteNumber: string | null;
    agent: string;
    startedAt: number;
    context?: unknown;
  }): CallRecord {
    return toCall(
      this.insertStmt.get({ ...c, context: c.context === undefined ? null : JSON.stringify(c.context) }) as Row,
    );
  }

  answered(id: number, at: number): void {
    this.answeredStmt.run(at, id);
  }

  end(id: number, e: { endedAt: number; outcome: string; recordingPath: string | null; rtpStats: unknown }): void {
    this.endStmt.run({ ...e, rtpStats: e.rtpStats === null ? null : JSON.stringify(e.rtpStats), id });
  }

  turn(callId: number, t: TurnRecord): void {
    this.turnStmt.run({
      callId,
      idx: t.index,
      role: t.role,
      text: t.text,
      source: t.source ?? null,
      at: t.at,
      interrupted: t.interrupted ? 1 : 0,
      failed: t.failed ? 1 : 0,
      failure: t.failure ? JSON.stringify(t.failure) : null,
      toolCalls: t.toolCalls ? JSON.stringify(t.toolCalls) : null,
      sources: t.sources?.length ? JSON.stringify(t.sources) : null,
      timing: t.timing ? JSON.stringify(t.timing) : null,
      contextFit: t.contextFit ? JSON.stringify(t.contextFit) : null,
    });
  }

  get(id: number): CallRecord | null {
    const r = this.getStmt.get(id);
    return r ? toCall(r) : null;
  }

  turns(id: number): CallTurnRow[] {
    return this.turnsStmt.all(id).map((r) => ({
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

  setSummary(id: number, summary: unknown): void {
    this.summaryStmt.run(JSON.stringify(summary), id);
  }

  /** Outbound calls learn their SIP Call-ID once dialled. */
  /** An outbound call was answered: its SIP Call-ID and the From we actually sent. */
  setSipIdentity(id: number, sipCallId: string, fromUri: string): void {
    this.sipIdStmt.run(sipCallId, fromUri, id);
  }

  linkVoicemail(id: number, voicemailId: number): void {
    this.voicemailStmt.run(voicemailId, id);
  }

  /** Newest first; `beforeId` is the cursor (the last id of the previous page). */
  list(o: {
    outcome?: string | undefined;
    direction?: string | undefined;
    beforeId?: number | undefined;
    limit: number;
  }): CallRecord[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: o.limit };
    if (o.outcome) (where.push("outcome = @outcome"), (params.outcome = o.outcome));
    if (o.direction) (where.push("direction = @direction"), (params.direction = o.direction));
    if (o.beforeId) (where.push("id < @before"), (params.before = o.beforeId));
    const sql = `SELECT * FROM calls ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT @limit`;
    return (this.db.prepare(sql).all(params) as Row[]).map(toCall);
  }
}
