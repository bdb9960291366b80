import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCampaignSchema } from "../../../src/notify/campaigns/campaigns.js";
import { recipientsFromCsv } from "../../../src/notify/campaigns/recipients.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { TEST_TRUNK } from "../notify/helpers.js";
import { consoleClient, type ConsoleClient } from "../../helpers/console.js";

/** The campaigns page: progress and controls through the notify module's own start/pause/resume rules. */
describe("console campaigns", () => {
  let t: TestApp;
  let c: ConsoleClient;
  beforeAll(async () => {
    t = await createTestApp({ config: { sip: { trunk: TEST_TRUNK } } });
    c = await consoleClient(t.app, { key: t.key });
  });
  afterAll(() => t?.close());

  it("shows a campaign's progress and starts, pauses and resumes it", async () => {
    expect(await (await c.get("/console/campaigns")).text()).toContain("No campaigns yet");
    const campaign = await t.features.notify.createCampaign(
      createCampaignSchema.parse({ name: "Recall <2026>", text: "Hello {name}, your order is ready." }),
    );
    const report = await t.features.notify.importRecipients(
      campaign,
      recipientsFromCsv("to,name\n+12125550100,Bob\n+12125550101,Eve\n"),
    );
    expect(report.imported).toBe(2);
    let page = await (await c.get("/console/campaigns")).text();
    expect(page).toContain("Recall &lt;2026&gt;");
    expect(page).toContain("0 of 2 recipients done");
    expect(page).toContain(`action="/console/campaigns/${campaign.id}/start"`);

    const act = async (action: string) => {
      const res = await c.post(`/console/campaigns/${campaign.id}/${action}`, {});
      expect(res.status, action).toBe(303);
      return await (await c.get("/console/campaigns")).text();
    };
    page = await act("start");
    expect(page).toContain(`data-campaign-status="${campaign.id}">running`);
    expect(page).toContain(`action="/console/campaigns/${campaign.id}/pause"`);
    page = await act("pause");
    expect(page).toContain(`data-campaign-status="${campaign.id}">paused`);
    expect(page).toContain(`action="/console/campaigns/${campaign.id}/resume"`);
    page = await act("resume");
    expect(page).toContain(`data-campaign-status="${campaign.id}">running`);
    // The notify module's rules answer a wrong transition.
    const again = await c.post(`/console/campaigns/${campaign.id}/resume`, {}, { accept: "application/json" });
    expect(again.status).toBe(409);
    expect((await c.post(`/console/campaigns/${campaign.id}/explode`, {})).status).toBe(404);
  });
});
