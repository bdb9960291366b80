import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { csv, jobs, json, post, START, TEST_TRUNK } from "./helpers.js";

/** /v1/notifications and /v1/dnc without engines or SIP: validation, scheduling into windows, idempotency, cancel, the DNC list. */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { clock: { startAt: START }, sip: { trunk: TEST_TRUNK } } });
});
afterAll(() => t?.close());

interface N {
  id: number;
  status: string;
  outcome: string | null;
  nextAttemptAt: string | null;
  timeZone: string;
  jobId: number | null;
  history?: { outcome: string; dialed: boolean }[];
}
const create = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.request(
    "/v1/notifications",
    post({ to: "+442071234567", text: "Your parcel {ref} arrives today.", variables: { ref: "A1" }, ...body }, headers),
  );

describe("POST /v1/notifications", () => {
  it("refuses what it cannot send, naming the field", async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ to: "12" }, 400, /to/],
      [{ to: "not a number" }, 400, /not a phone number/],
      [{ variables: {} }, 400, /missing template variables: ref/],
      [{ templateId: 1 }, 400, /exactly one of templateId and text/],
      [{ text: "Hello {name" }, 400, /unclosed/],
      [{ agent: "nobody" }, 422, /no agent named 'nobody'/],
      [{ text: undefined, templateId: "missing" }, 422, /no template "missing"/],
      [{ window: { start: "20:00", end: "09:00" } }, 400, /start must be before end/],
      [{ window: { timeZone: "Mars/Olympus" } }, 400, /IANA/],
      [{ menu: { "1": "dance" } }, 400, /menu/],
      [{ runAt: "tomorrow" }, 400, /runAt/],
    ];
    for (const [body, status, message] of cases) {
      const res = await create(body);
      const err = await json<{ error: { message: string } }>(res);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(err.error.message).toMatch(message);
    }
    expect((await t.request("/v1/notifications", { method: "POST", body: "x" })).status).toBe(415);
  });

  it("schedules the call for the first allowed time in the recipient's zone", async () => {
    const london = await json<N>(create({}));
    expect(london).toMatchObject({ status: "scheduled", timeZone: "Europe/London" });
    // Open now in London: due at once (the service clock started at 09:00 and runs on).
    expect(Date.parse(london.nextAttemptAt!) - Date.parse(START)).toBeLessThan(5000);
    const tokyo = await json<N>(create({ window: { timeZone: "Asia/Tokyo", start: "10:00", end: "12:00" } }));
    expect(tokyo.nextAttemptAt).toBe("2026-11-26T01:00:00.000Z"); // 18:00 in Tokyo now: tomorrow 10:00
    // Asked for Sunday: a quiet day, so Monday at the window's opening.
    const sunday = await json<N>(create({ runAt: "2026-11-29T12:00:00Z" }));
    expect(sunday.nextAttemptAt).toBe("2026-11-30T09:00:00.000Z");
    const job = (await jobs(t, "notify.deliver")).find((j) => j.id === sunday.jobId);
    expect(job!.runAt).toBe("2026-11-30T09:00:00.000Z");
    expect((await jobs(t, "notify.render")).length).toBeGreaterThanOrEqual(3);
  });

  it("returns the first notification for a repeated idempotency key (field or header)", async () => {
    const a = await create({ idempotencyKey: "order-77" });
    const b = await create({ variables: { ref: "other" }, idempotencyKey: "order-77" });
    const c = await create({}, { "idempotency-key": "order-77" });
    expect([a.status, b.status, c.status]).toEqual([201, 200, 200]);
    const ids = await Promise.all([a, b, c].map(async (r) => (await json<N>(r)).id));
    expect(new Set(ids).size).toBe(1);
  });

  it("never queues a call to a number already on the do-not-call list", async () => {
    expect((await t.request("/v1/dnc", post({ number: "020 7946 0000", reason: "asked" }))).status).toBe(400); // no country code 44 here: the site's is 1
    expect((await t.request("/v1/dnc", post({ number: "+44 20 7946 0000", reason: "asked" }))).status).toBe(201);
    const n = await json<N>(create({ to: "+442079460000" }));
    expect(n).toMatchObject({ status: "rejected_dnc", outcome: "rejected_dnc", jobId: null });
    const full = await json<N>(t.request(`/v1/notifications/${n.id}`));
    expect(full.history).toEqual([expect.objectContaining({ outcome: "rejected_dnc", dialed: false })]);
    expect((await jobs(t, "notify.deliver")).some((j) => j.payload.notificationId === n.id)).toBe(false);
  });
});

describe("GET and cancel", () => {
  it("lists with filters and cursors, and cancels a queued notification once", async () => {
    const page1 = await json<{ items: N[]; nextCursor: number }>(
      t.request("/v1/notifications?status=scheduled&limit=2"),
    );
    expect(page1.items).toHaveLength(2);
    const page2 = await json<{ items: N[] }>(
      t.request(`/v1/notifications?status=scheduled&limit=2&cursor=${page1.nextCursor}`),
    );
    expect(page2.items[0]!.id).toBeLessThan(page1.items[1]!.id);
    expect((await t.request("/v1/notifications?status=lost")).status).toBe(400);
    expect(
      (await json<{ items: N[] }>(t.request("/v1/notifications?to=%2B442079460000"))).items.map((n) => n.status),
    ).toEqual(["rejected_dnc"]);

    const target = page1.items[0]!;
    const cancelled = await json<N>(t.request(`/v1/notifications/${target.id}/cancel`, { method: "POST" }));
    expect(cancelled.status).toBe("cancelled");
    expect((await json<{ status: string }>(t.request(`/v1/jobs/${target.jobId}`))).status).toBe("cancelled");
    expect((await t.request(`/v1/notifications/${target.id}/cancel`, { method: "POST" })).status).toBe(409);
    expect((await t.request("/v1/notifications/99999")).status).toBe(404);
  });
});

describe("/v1/dnc", () => {
  it("adds, checks, lists, removes and imports numbers", async () => {
    const added = await t.request("/v1/dnc", post({ number: "(212) 555-0100" }));
    expect(added.status).toBe(201);
    expect(await json(added)).toMatchObject({ number: "+12125550100", source: "api" });
    expect((await t.request("/v1/dnc", post({ number: "+12125550100" }))).status).toBe(200);
    expect(await json(t.request("/v1/dnc/check?number=sip%3A%2B12125550100%40pbx.example.com"))).toMatchObject({
      number: "+12125550100",
      listed: true,
    });
    expect(await json(t.request("/v1/dnc/check?number=%2B12125550199"))).toMatchObject({ listed: false, entry: null });

    const report = await json(
      t.request(
        "/v1/dnc/import",
        csv('number,reason\n+12125550101,asked by email\n"(212) 555-0102",\nnonsense,typo\n,\n+12125550100,again\n'),
      ),
    );
    expect(report).toEqual({
      received: 5,
      added: 2,
      alreadyListed: 1,
      rejected: [
        { row: 4, value: "nonsense", reason: "not a phone number or SIP URI" },
        { row: 5, value: "", reason: "empty" },
      ],
    });
    expect(await json(t.request("/v1/dnc/import", csv("+12125550103\n+12125550104\n")))).toMatchObject({
      received: 2,
      added: 2,
    });
    expect((await t.request("/v1/dnc/import", post({}))).status).toBe(415);

    const page = await json<{
      items: { number: string; source: string; reason: string | null }[];
      nextCursor: string;
      total: number;
    }>(t.request("/v1/dnc?prefix=1212&limit=3"));
    expect(page.items.map((e) => e.number)).toEqual(["+12125550100", "+12125550101", "+12125550102"]);
    expect(page.items[1]).toMatchObject({ source: "import", reason: "asked by email" });
    const rest = await json<{ items: { number: string }[]; nextCursor: string | null }>(
      t.request(`/v1/dnc?prefix=%2B1212&cursor=${encodeURIComponent(page.nextCursor)}`),
    );
    expect(rest.items.map((e) => e.number)).toEqual(["+12125550103", "+12125550104"]);
    expect(rest.nextCursor).toBeNull();

    expect((await t.request("/v1/dnc/%2B12125550100", { method: "DELETE" })).status).toBe(204);
    expect((await t.request("/v1/dnc/+12125550100", { method: "DELETE" })).status).toBe(404);
  });
});

describe("a phone number with no trunk to call it through (issue 10, item 23)", () => {
  it("is refused when the notification is created (422 no_trunk naming the setting); a SIP URI is accepted", async () => {
    const bare = await createTestApp({ config: { clock: { startAt: START } } });
    try {
      const res = await bare.request(
        "/v1/notifications",
        post({ to: "+442079460000", text: "Your order ships today." }),
      );
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({
        error: {
          code: "no_trunk",
          message:
            "no SIP trunk is configured (sip.trunk.uri), so +442079460000 cannot be called: configure the trunk, or give a sip: URI",
        },
      });
      expect(await bare.services.sql.get("SELECT count(*) AS n FROM notifications")).toEqual({ n: 0 });
      expect(
        (
          await bare.request(
            "/v1/notifications",
            post({ to: "sip:+442079460000@pbx.example.com", text: "Your order ships today." }),
          )
        ).status,
      ).toBe(201);
    } finally {
      await bare.close();
    }
  });

  it("rejects a campaign's phone-number rows with the reason, keeping its SIP URI rows", async () => {
    const bare = await createTestApp({ config: { clock: { startAt: START } } });
    try {
      const { id } = await json<{ id: number }>(bare.request("/v1/campaigns", post({ name: "c", text: "Hi." })));
      const report = await json<{ imported: number; rejected: { row: number; reason: string }[] }>(
        bare.request(`/v1/campaigns/${id}/recipients`, csv("to\n+442079460001\nsip:+442079460002@pbx.example.com\n")),
      );
      expect(report.imported).toBe(1);
      expect(report.rejected).toEqual([
        {
          row: 2,
          to: "+442079460001",
          reason:
            "no SIP trunk is configured (sip.trunk.uri), so +442079460001 cannot be called: configure the trunk, or give a sip: URI",
        },
      ]);
    } finally {
      await bare.close();
    }
  });
});
