import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";

/**
 * The do-not-call audit trail through /v1/dnc on a real SQLite file: every add, removal and imported row is
 * kept with the API key that made it, when and why; opt-outs are listed with their notification and campaign.
 */
let t: TestApp;
let keyName: string;
beforeAll(async () => {
  t = await createTestApp();
  keyName = (await t.services.apiKeys.list())[0]?.name ?? "";
}, 120_000);
afterAll(() => t?.close());

interface AuditJson {
  id: number;
  number: string;
  action: string;
  source: string;
  actor: string;
  reason: string | null;
  notificationId: number | null;
  campaignId: number | null;
  createdAt: string;
}
const json = async <T>(res: Promise<Response>, status = 200): Promise<T> => {
  const r = await res;
  expect(r.status, await r.clone().text()).toBe(status);
  return (await r.json()) as T;
};
const trail = (number?: string) =>
  json<{ items: AuditJson[]; nextCursor: number | null }>(
    t.request(`/v1/dnc/audit${number ? `?number=${encodeURIComponent(number)}` : ""}`),
  );

describe("do-not-call audit trail", () => {
  it("audits an add under the calling key, normalised as the list keys it, and not a repeat", async () => {
    const add = (number: string) =>
      t.request("/v1/dnc", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ number, reason: "asked on the phone" }),
      });
    expect((await add("+1 (212) 555-0100")).status).toBe(201);
    expect((await add("sip:+12125550100@pbx.example")).status).toBe(200); // the same person: not audited twice
    const { items } = await trail("+1 212 555 0100");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      number: "+12125550100",
      action: "added",
      source: "api",
      reason: "asked on the phone",
      notificationId: null,
    });
    expect(items[0]?.actor).toMatch(new RegExp(`^key ${keyName} \\(`));
    expect(new Date(items[0]?.createdAt ?? "").getTime()).toBeGreaterThan(0);
  });

  it("audits a removal with its reason, and refuses an unlisted number without auditing it", async () => {
    const res = await t.request(
      `/v1/dnc/${encodeURIComponent("+12125550100")}?reason=${encodeURIComponent("consent given")}`,
      {
        method: "DELETE",
      },
    );
    expect(res.status).toBe(204);
    expect((await t.request("/v1/dnc/%2B12125550100", { method: "DELETE" })).status).toBe(404);
    const { items } = await trail("+12125550100");
    expect(items.map((a) => [a.action, a.reason])).toEqual([
      ["removed", "consent given"],
      ["added", "asked on the phone"],
    ]);
    expect(items[0]?.actor).toBe(items[1]?.actor);
  });

  it("audits each imported number, none of the rejected rows, and pages the trail newest first", async () => {
    const res = await t.request("/v1/dnc/import", {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: "number,reason\n+442071838750,complaint\nnot a number,x\n+442071838751,\n",
    });
    const report = (await res.json()) as { added: number; rejected: { row: number; reason: string }[] };
    expect(report.added).toBe(2);
    expect(report.rejected).toEqual([{ row: 3, value: "not a number", reason: "not a phone number or SIP URI" }]);
    const first = await json<{ items: AuditJson[]; nextCursor: number }>(t.request("/v1/dnc/audit?limit=2"));
    expect(first.items.map((a) => [a.number, a.source, a.reason])).toEqual([
      ["+442071838751", "import", null],
      ["+442071838750", "import", "complaint"],
    ]);
    const rest = await trail();
    expect(rest.items).toHaveLength(4);
    const next = await json<{ items: AuditJson[] }>(t.request(`/v1/dnc/audit?limit=2&cursor=${first.nextCursor}`));
    expect(next.items.map((a) => a.action)).toEqual(["removed", "added"]);
  });

  it("lists opt-outs with their notification and campaign, apart from operator changes", async () => {
    // What notify/outcomes.ts records when a recipient presses the opt-out key on notification 41 of campaign 7.
    await t.features.notify.context().dnc.add("+12125550177", "opt-out-dtmf", "opted out during notification 41", {
      actor: "notification 41",
      notificationId: 41,
      campaignId: 7,
    });
    const { items } = await json<{ items: AuditJson[] }>(t.request("/v1/dnc/opt-outs"));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      number: "+12125550177",
      source: "opt-out-dtmf",
      actor: "notification 41",
      notificationId: 41,
      campaignId: 7,
    });
  });

  it("answers a bad number or cursor with a clear 400", async () => {
    const bad = await t.request("/v1/dnc/audit?number=hello");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("invalid_number");
    expect((await t.request("/v1/dnc/audit?cursor=abc")).status).toBe(400);
  });
});
