import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCsv } from "../../../src/lib/csv.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { readSse } from "../api/sse-reader.js";
import { csv, jobs, json, post, START, TEST_TRUNK, waitFor } from "./helpers.js";

/**
 * Campaigns through the API, with the calling window closed (18:00-20:00 UTC;
 * the clock starts at 09:00 through config), so nothing is dialled: uploads
 * and their validation report, the pacer parking recipients until the window
 * opens, pause / resume / cancel, progress over the API and SSE, results CSV.
 */
const pgSkip = await postgresUnavailable();
// The same flows on the node's SQLite file and on a PostgreSQL store (store.url: the outbound tables shared).
const engines = [
  { label: "sqlite", skip: null as string | null, postgres: false },
  { label: pgSkip ? `postgres (skipped: ${pgSkip})` : "postgres", skip: pgSkip, postgres: true },
];

interface Campaign {
  id: number;
  status: string;
  variables: string[];
  progress: { total: number; done: number; counts: Record<string, number> };
}
interface Recipient {
  id: number;
  row: number;
  to: string;
  status: string;
  timeZone: string;
  nextAttemptAt: string | null;
}

const BAD_CSV = [
  "to,name,order,day,timezone",
  "+12125550101,Ann,A-1,Monday,",
  "(212) 555-0102,Bob,A-2,Tuesday,America/Chicago",
  "+12125550101,Ann again,A-3,Monday,",
  "12,Cy,A-4,Monday,",
  "+12125550104,Dee,,Monday,",
  "+12125550105,Eve,A-6,Monday,Mars/Base",
  "+12125550106,Fay,A-7",
  '"+12125550107","Gil, Jr.","A-8","Friday",',
  "+12125550108,Hal,A-9,Monday,",
].join("\r\n");

describe.each(engines)("campaigns on $label", ({ skip, postgres }) => {
  let t: TestApp;
  const schema = scratchSchema();
  beforeAll(async () => {
    if (skip) return;
    const store = postgres ? { store: { url: testPostgresUrl, schema: schema.schema, poolSize: 3 } } : {};
    t = await createTestApp({ config: { clock: { startAt: START }, sip: { trunk: TEST_TRUNK }, ...store } });
    t.startWorker();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (postgres && !skip) await schema.drop();
  });
  let id: number;
  const recipients = async () =>
    (await json<{ items: Recipient[] }>(t.request(`/v1/campaigns/${id}/recipients?limit=200`))).items;

  it.skipIf(skip)("is created as a draft and refuses to start without recipients", async () => {
    const res = await t.request(
      "/v1/campaigns",
      post({
        name: "Delivery notices",
        text: "Hi {name}, order {order} ships {day}.",
        disclosure: "This is an automated call from Acme.",
        window: { timeZone: "UTC", start: "18:00", end: "20:00" },
        pacing: { callsPerSecond: 5, maxConcurrent: 2 },
        menu: { "1": "confirm", "9": "opt_out" },
      }),
    );
    expect(res.status).toBe(201);
    const c = await json<Campaign>(res);
    expect(c).toMatchObject({ status: "draft", variables: ["name", "order", "day"], progress: { total: 0 } });
    id = c.id;
    expect((await t.request(`/v1/campaigns/${id}/start`, { method: "POST" })).status).toBe(409);
    expect((await t.request("/v1/campaigns", post({ name: "x", text: "Hi {name" }))).status).toBe(400);
  });

  it.skipIf(skip)("imports a bad CSV's good rows and reports every bad row with the reason", async () => {
    await t.request("/v1/dnc", post({ number: "+12125550108" }));
    const report = await json(t.request(`/v1/campaigns/${id}/recipients`, csv(BAD_CSV)));
    expect(report).toEqual({
      received: 9,
      imported: 3,
      flagged: [{ row: 10, to: "+12125550108", reason: expect.stringMatching(/do-not-call list .* never called/) }],
      rejected: [
        { row: 4, to: "+12125550101", reason: "+12125550101 repeats row 2" },
        { row: 5, to: "12", reason: expect.stringMatching(/not a phone number/) },
        { row: 6, to: "+12125550104", reason: "missing variables: order" },
        { row: 7, to: "+12125550105", reason: "unknown time zone 'Mars/Base'" },
        { row: 8, to: null, reason: "3 fields where the header has 5" },
      ],
    });
    const json2 = await json(
      t.request(
        `/v1/campaigns/${id}/recipients`,
        post([
          { to: "sip:+442071234567@127.0.0.1:5999", variables: { name: "Ivy", order: "B-1", day: "today" } },
          { to: "+12125550102", name: "Bob", order: "A-2", day: "Tuesday" },
        ]),
      ),
    );
    expect(json2).toMatchObject({
      received: 2,
      imported: 1,
      rejected: [{ row: 2, reason: "+12125550102 is already in the campaign" }],
    });
    const rows = await recipients();
    expect(rows.map((r) => [r.to, r.status]).sort()).toEqual([
      ["+12125550101", "pending"],
      ["+12125550102", "pending"],
      ["+12125550107", "pending"],
      ["+12125550108", "rejected_dnc"],
      ["sip:+442071234567@127.0.0.1:5999", "pending"],
    ]);
    expect(rows.find((r) => r.to === "+12125550102")?.timeZone).toBe("America/Chicago");
    expect((await t.request(`/v1/campaigns/${id}/recipients`, csv("name\nx\n"))).status).toBe(400);
    expect((await t.request(`/v1/campaigns/${id}/recipients`, csv('to,name\n"+1212,x\n'))).status).toBe(400);
  });

  it.skipIf(skip)(
    "starts, parks recipients until their window opens, pauses, resumes and cancels, with progress on the API and SSE",
    async () => {
      const events = await t.request("/v1/events?since=0&types=campaign.progress,campaign.finished");
      const sse = readSse(events);
      const started = await json<Campaign>(t.request(`/v1/campaigns/${id}/start`, { method: "POST" }));
      expect(started.status).toBe("running");
      // The window (18:00-20:00 UTC) is closed at 09:00: the pacer parks every recipient at 18:00 and dials nobody.
      const parked = await waitFor(async () => {
        const rows = (await recipients()).filter((r) => r.status === "pending");
        return rows.every((r) => r.nextAttemptAt !== null) ? rows : null;
      }, "recipients parked");
      // The campaign's zone (UTC) for everyone but Bob, whose row names his own: 18:00 in Chicago.
      expect(parked.map((r) => [r.to, r.nextAttemptAt!]).sort()).toEqual([
        ["+12125550101", "2026-11-25T18:00:00.000Z"],
        ["+12125550102", "2026-11-26T00:00:00.000Z"],
        ["+12125550107", "2026-11-25T18:00:00.000Z"],
        ["sip:+442071234567@127.0.0.1:5999", "2026-11-25T18:00:00.000Z"],
      ]);
      expect(await jobs(t, "notify.deliver")).toEqual([]);

      expect((await json<Campaign>(t.request(`/v1/campaigns/${id}/pause`, { method: "POST" }))).status).toBe("paused");
      expect((await t.request(`/v1/campaigns/${id}/pause`, { method: "POST" })).status).toBe(409);
      expect((await json<Campaign>(t.request(`/v1/campaigns/${id}/resume`, { method: "POST" }))).status).toBe(
        "running",
      );
      // A resume starts a new generation of the pacer.
      const ticks = await jobs(t, "campaign.tick");
      expect(new Set(ticks.map((j) => j.payload.seq))).toEqual(new Set([1, 2]));

      const cancelled = await json<Campaign>(t.request(`/v1/campaigns/${id}/cancel`, { method: "POST" }));
      expect(cancelled).toMatchObject({
        status: "cancelled",
        progress: { total: 5, done: 5, counts: { cancelled: 4, rejected_dnc: 1, pending: 0 } },
      });
      expect((await t.request(`/v1/campaigns/${id}/resume`, { method: "POST" })).status).toBe(409);
      expect(
        (await t.request(`/v1/campaigns/${id}/recipients`, csv("to,name,order,day\n+12125550109,J,C,D\n"))).status,
      ).toBe(409);

      const messages = await sse.next(4, { timeoutMs: 5000 });
      await sse.close();
      const seen = messages.map((m) => [m.event, (JSON.parse(m.data!) as { data: { status: string } }).data.status]);
      expect(seen).toEqual([
        ["campaign.progress", "running"],
        ["campaign.progress", "paused"],
        ["campaign.progress", "running"],
        ["campaign.progress", "cancelled"],
      ]);
      const finished = await json<{ items: { type: string; data: { status: string; total: number } }[] }>(
        Promise.resolve(new Response(JSON.stringify({ items: await t.services.bus.since(0, 500) }))),
      );
      expect(finished.items.filter((e) => e.type === "campaign.finished").map((e) => e.data)).toEqual([
        expect.objectContaining({ status: "cancelled", total: 5 }),
      ]);
    },
  );

  it.skipIf(skip)(
    "exports per-recipient results as CSV in upload order, then the rejected rows with their reason",
    async () => {
      const res = await t.request(`/v1/campaigns/${id}/results.csv`);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
      const rows = parseCsv(await res.text()).map((r) => r.fields);
      expect(rows[0]).toEqual([
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
        "name",
        "order",
        "day",
      ]);
      expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[3], r[12]])).toEqual([
        ["2", "+12125550101", "cancelled", "", "Ann"],
        ["3", "+12125550102", "cancelled", "", "Bob"],
        ["9", "+12125550107", "cancelled", "", "Gil, Jr."],
        ["10", "+12125550108", "rejected_dnc", "rejected_dnc", "Hal"],
        ["1", "sip:+442071234567@127.0.0.1:5999", "cancelled", "", "Ivy"],
        // Then every row the uploads rejected, with its reason in `error` (the CSV's, then the JSON upload's).
        ["4", "+12125550101", "rejected", "", ""],
        ["5", "12", "rejected", "", ""],
        ["6", "+12125550104", "rejected", "", ""],
        ["7", "+12125550105", "rejected", "", ""],
        ["8", "", "rejected", "", ""],
        ["2", "+12125550102", "rejected", "", ""],
      ]);
      // A reason starting with "+" is written with a leading "'" (the CSV-injection guard: not a signed number).
      expect(rows.filter((r) => r[2] === "rejected").map((r) => r[11])).toEqual([
        "'+12125550101 repeats row 2",
        expect.stringMatching(/not a phone number/),
        "missing variables: order",
        "unknown time zone 'Mars/Base'",
        "3 fields where the header has 5",
        "'+12125550102 is already in the campaign",
      ]);
      expect((await t.request(`/v1/campaigns/${id}`, { method: "DELETE" })).status).toBe(204);
      expect((await t.request(`/v1/campaigns/${id}`)).status).toBe(404);
    },
  );
});
