import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient, type ConsoleClient } from "../../helpers/console.js";
import { TEST_TRUNK } from "../notify/helpers.js";

/** The console's create-from-CSV form over app.request(): bad input is a clear error on the form, and creates nothing. */
describe("console: a campaign from a CSV upload", () => {
  let t: TestApp;
  let c: ConsoleClient;
  beforeAll(async () => {
    t = await createTestApp({ config: { sip: { trunk: TEST_TRUNK } } });
    c = await consoleClient(t.app, { key: t.key });
  }, 120_000);
  afterAll(() => t?.close());

  const upload = (fields: Record<string, string>, csv: string | null) => {
    const form = new FormData();
    form.set("_csrf", c.csrf);
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    if (csv !== null) form.set("file", new File([csv], "people.csv", { type: "text/csv" }));
    return c.get("/console/campaigns/new", { method: "POST", body: form });
  };
  const campaigns = () => t.features.notify.context().campaigns.list({ limit: 10 });

  it("refuses a missing file, a bad field and an unreadable CSV, naming the problem, and creates nothing", async () => {
    const noFile = await upload({ name: "x", text: "Hi {name}." }, null);
    expect(noFile.status).toBe(400);
    expect(await noFile.text()).toContain("Choose the CSV file of recipients.");
    const noText = await upload({ name: "x" }, "to,name\n+12125550100,Ann\n");
    expect(noText.status).toBe(400);
    expect(await noText.text()).toContain("give exactly one of templateId and text");
    const noTo = await upload({ name: "x", text: "Hi {name}." }, "name\nAnn\n");
    expect(noTo.status).toBe(400);
    const page = await noTo.text();
    expect(page).toContain("people.csv: no &#39;to&#39; column in the header (name)");
    // What was typed comes back in the form.
    expect(page).toContain('value="x"');
    expect(await campaigns()).toEqual([]);
  });

  it("creates the draft and shows the report; the campaign page lists recipients and rejected rows", async () => {
    const res = await upload(
      { name: "Orders", text: "Hi {name}." },
      "to,name\n+12125550100,Ann\n12,Bob\n+12125550102,\n+12125550103,Dee\n",
    );
    expect(res.status).toBe(200);
    const report = await res.text();
    expect(report).toContain("4 rows received: 2 imported, 0 on the do-not-call list, 2 rejected.");
    expect(report).toContain("missing variables: name");
    const [campaign] = await campaigns();
    expect(campaign).toMatchObject({ name: "Orders", status: "draft" });
    const detail = await (await c.get(`/console/campaigns/${campaign!.id}`)).text();
    expect(detail).toContain("Rejected rows (2)");
    expect(detail.match(/data-recipient=/g)).toHaveLength(2);
    const filtered = await (await c.get(`/console/campaigns/${campaign!.id}?status=completed`)).text();
    expect(filtered).toContain("No recipient is completed.");
    const csv = await (await c.get(`/console/campaigns/${campaign!.id}/results.csv`)).text();
    expect(
      csv
        .trim()
        .split(/\r?\n/)
        .map((l) => l.split(",").slice(0, 3).join(",")),
    ).toEqual([
      "row,to,status",
      "2,+12125550100,pending",
      "5,+12125550103,pending",
      "3,12,rejected",
      "4,+12125550102,rejected",
    ]);
    expect((await c.get("/console/campaigns/999")).status).toBe(404);
  });
});
