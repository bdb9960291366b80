import { afterEach, describe, expect, it } from "vitest";
import { SurveyResultsRepo, type NewSurveyResponse } from "../../../src/store/repos/survey-results-repo.js";
import { postgresUnavailable } from "../../helpers/postgres.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";
import { nodesOnOneSchema } from "../../helpers/shared-nodes.js";

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const answer = (o: Partial<NewSurveyResponse> = {}): NewSurveyResponse => ({
  survey: "csat",
  agent: "desk",
  callId: 7,
  rating: 5,
  comment: null,
  channel: "dtmf",
  eventId: 41,
  at: 1_796_480_000_000,
  ...o,
});

describe.each(await storeEngines())("survey answers on $label", ({ skip, open }) => {
  async function repo(): Promise<SurveyResultsRepo> {
    const s = await open();
    opened.push(s);
    return new SurveyResultsRepo(s.sql);
  }

  it.skipIf(skip)("aggregates a survey: responses, rated, average, distribution 1-5, by channel", async () => {
    const r = await repo();
    for (const rating of [5, 5, 4, 2]) await r.record(answer({ rating }));
    await r.record(answer({ rating: 3, channel: "voice", comment: "fine" }));
    await r.record(answer({ rating: null, channel: "none" }));
    await r.record(answer({ survey: "other", rating: 1 }));
    expect(await r.summary("csat")).toEqual({
      survey: "csat",
      responses: 6,
      rated: 5,
      averageRating: 3.8,
      distribution: { "1": 0, "2": 1, "3": 1, "4": 1, "5": 2 },
      byChannel: { dtmf: 4, voice: 1, none: 1 },
    });
    expect(await r.summary("nobody")).toMatchObject({ responses: 0, rated: 0, averageRating: null });
    expect(await r.names()).toEqual([
      { survey: "csat", responses: 6 },
      { survey: "other", responses: 1 },
    ]);
  });

  it.skipIf(skip)("lists a survey's answers newest first, in pages below a cursor, as stored", async () => {
    const r = await repo();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await r.record(answer({ rating: i + 1, at: 1000 + i, eventId: i === 4 ? null : 100 + i })));
    await r.record(answer({ survey: "other" }));
    const first = await r.responses("csat", Number.MAX_SAFE_INTEGER, 2);
    expect(first).toEqual([
      { id: ids[4], eventId: null, at: 1004, rating: 5, comment: null, channel: "dtmf", callId: 7, agent: "desk" },
      { id: ids[3], eventId: 103, at: 1003, rating: 4, comment: null, channel: "dtmf", callId: 7, agent: "desk" },
    ]);
    expect((await r.responses("csat", first[1]!.id, 10)).map((x) => x.rating)).toEqual([3, 2, 1]);
    expect(await r.responses("nobody", Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
  });
});

const pgSkip = await postgresUnavailable();

// Two nodes (each its own SQLite file) on one PostgreSQL store: answers stored by either node are
// listed and aggregated by both.
describe.skipIf(pgSkip)(`survey answers shared by two nodes${pgSkip ? ` (skipped: ${pgSkip})` : ""}`, () => {
  const nodes = nodesOnOneSchema(2);

  it("answers stored on each node (as its survey calls store them) are listed and counted on both", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    await new SurveyResultsRepo(a.services.sql).record(answer({ rating: 5, eventId: 1, comment: "from a" }));
    await new SurveyResultsRepo(b.services.sql).record(answer({ rating: 3, eventId: 2, comment: "from b" }));
    for (const t of [a, b]) {
      const list = await t.request("/v1/surveys");
      expect(await list.json()).toEqual({ items: [{ survey: "csat", responses: 2 }] });
      const summary = (await (await t.request("/v1/surveys/csat")).json()) as {
        responses: number;
        averageRating: number;
      };
      expect(summary).toMatchObject({ responses: 2, averageRating: 4 });
      const page = (await (await t.request("/v1/surveys/csat/responses?limit=1")).json()) as {
        items: { comment: string; at: string }[];
        nextCursor: number;
      };
      expect(page.items.map((x) => x.comment)).toEqual(["from b"]);
      expect(page.items[0]!.at).toBe(new Date(1_796_480_000_000).toISOString());
      const rest = (await (await t.request(`/v1/surveys/csat/responses?cursor=${page.nextCursor}`)).json()) as {
        items: { comment: string }[];
        nextCursor: number | null;
      };
      expect(rest).toMatchObject({ items: [{ comment: "from a" }], nextCursor: null });
    }
  }, 120_000);
});
