import type { SqlExecutor, SqlStore } from "../sql/port.js";

export interface SurveySummary {
  survey: string;
  responses: number;
  rated: number;
  averageRating: number | null;
  distribution: Record<"1" | "2" | "3" | "4" | "5", number>;
  byChannel: Record<string, number>;
}

/** One answer, as the node that ran the survey stored it. */
export interface NewSurveyResponse {
  survey: string;
  agent: string;
  callId: number | null;
  rating: number | null;
  comment: string | null;
  channel: string;
  /** The `survey.response` event that announced it. */
  eventId: number | null;
  at: number;
}

export interface SurveyResponseRow {
  /** The response's own id (the cursor of the listing). */
  id: number;
  eventId: number | null;
  at: number;
  rating: number | null;
  comment: string | null;
  channel: string;
  callId: number | null;
  agent: string;
}

interface Row {
  id: number;
  survey: string;
  agent: string;
  call_id: number | null;
  rating: number | null;
  comment: string | null;
  channel: string;
  event_id: number | null;
  created_at: number;
}

/**
 * The `survey_responses` table, on the SQL port: each answer is stored by the node that ran the call (and
 * announced as a `survey.response` event), so with `store.url` the listing and the aggregates of any node show
 * every node's answers. Responses given before the table existed were copied from the SQLite event log
 * (migration 028).
 */
export class SurveyResultsRepo {
  constructor(private readonly sql: SqlStore) {}

  /** Stores an answer; inside the caller's transaction when `tx` is given (with the event that announces it). */
  async record(r: NewSurveyResponse, tx?: SqlExecutor): Promise<number> {
    const row = await (tx ?? this.sql).get<{ id: number }>(
      `INSERT INTO survey_responses (survey, agent, call_id, rating, comment, channel, event_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [r.survey, r.agent, r.callId, r.rating, r.comment, r.channel, r.eventId, r.at],
    );
    return (row as { id: number }).id;
  }

  async summary(survey: string): Promise<SurveySummary> {
    const distribution = { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 };
    const byChannel: Record<string, number> = {};
    let responses = 0;
    let rated = 0;
    let sum = 0;
    const rows = await this.sql.all<{ rating: number | null; channel: string; n: number }>(
      "SELECT rating, channel, count(*) AS n FROM survey_responses WHERE survey = ? GROUP BY rating, channel",
      [survey],
    );
    for (const row of rows) {
      responses += row.n;
      byChannel[row.channel] = (byChannel[row.channel] ?? 0) + row.n;
      if (row.rating !== null && row.rating >= 1 && row.rating <= 5) {
        rated += row.n;
        sum += row.rating * row.n;
        distribution[String(row.rating) as keyof typeof distribution] += row.n;
      }
    }
    return {
      survey,
      responses,
      rated,
      averageRating: rated ? Math.round((sum / rated) * 100) / 100 : null,
      distribution,
      byChannel,
    };
  }

  /** A survey's answers, newest first, with ids below `beforeId`. */
  async responses(survey: string, beforeId: number, limit: number): Promise<SurveyResponseRow[]> {
    const rows = await this.sql.all<Row>(
      "SELECT * FROM survey_responses WHERE survey = ? AND id < ? ORDER BY id DESC LIMIT ?",
      [survey, beforeId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      eventId: r.event_id,
      at: r.created_at,
      rating: r.rating,
      comment: r.comment,
      channel: r.channel,
      callId: r.call_id,
      agent: r.agent,
    }));
  }

  /** Every survey that has answers, with their counts. */
  async names(): Promise<{ survey: string; responses: number }[]> {
    const rows = await this.sql.all<{ survey: string; n: number }>(
      "SELECT survey, count(*) AS n FROM survey_responses GROUP BY survey ORDER BY survey",
    );
    return rows.map((r) => ({ survey: r.survey, responses: r.n }));
  }
}
