import type { Database, Statement } from "better-sqlite3";

export interface SurveySummary {
  survey: string;
  responses: number;
  rated: number;
  averageRating: number | null;
  distribution: Record<"1" | "2" | "3" | "4" | "5", number>;
  byChannel: Record<string, number>;
}

export interface SurveyResponseRow {
  eventId: number;
  at: number;
  rating: number | null;
  comment: string | null;
  channel: string;
  callId: number | null;
  agent: string;
}

/** Survey results, read from the `survey.response` events (the responses are events; no table of their own). */
export class SurveyResultsRepo {
  private readonly summaryStmt: Statement<[string], { rating: number | null; channel: string; n: number }>;
  private readonly listStmt: Statement<[string, number, number], { id: number; created_at: number; data: string }>;
  private readonly namesStmt: Statement<[], { survey: string; n: number }>;

  constructor(db: Database) {
    this.summaryStmt = db.prepare(
      `SELECT json_extract(data, '$.rating') AS rating, json_extract(data, '$.channel') AS channel, count(*) AS n
       FROM events WHERE type = 'survey.response' AND json_extract(data, '$.survey') = ? GROUP BY 1, 2`,
    );
    this.listStmt = db.prepare(
      `SELECT id, created_at, data FROM events WHERE type = 'survey.response' AND json_extract(data, '$.survey') = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    );
    this.namesStmt = db.prepare(
      `SELECT json_extract(data, '$.survey') AS survey, count(*) AS n FROM events WHERE type = 'survey.response' GROUP BY 1 ORDER BY 1`,
    );
  }

  summary(survey: string): SurveySummary {
    const distribution = { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 };
    const byChannel: Record<string, number> = {};
    let responses = 0;
    let rated = 0;
    let sum = 0;
    for (const row of this.summaryStmt.all(survey)) {
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

  responses(survey: string, beforeId: number, limit: number): SurveyResponseRow[] {
    return this.listStmt.all(survey, beforeId, limit).map((r) => {
      const d = JSON.parse(r.data) as {
        rating: number | null;
        comment: string | null;
        channel: string;
        callId: number | null;
        agent: string;
      };
      return {
        eventId: r.id,
        at: r.created_at,
        rating: d.rating,
        comment: d.comment,
        channel: d.channel,
        callId: d.callId,
        agent: d.agent,
      };
    });
  }

  names(): { survey: string; responses: number }[] {
    return this.namesStmt.all().map((r) => ({ survey: r.survey, responses: r.n }));
  }
}
