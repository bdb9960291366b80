import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient, type ConsoleClient } from "../../helpers/console.js";
import { pdfDocument } from "../../helpers/documents.js";

/** The console's knowledge page of an agent: list, upload (multipart with the CSRF token), refusal, delete. */
describe("console knowledge page", () => {
  let t: TestApp;
  let c: ConsoleClient;
  const PAGE = "/console/agents/receptionist/knowledge";
  const upload = (file: File) => {
    const form = new FormData();
    form.append("_csrf", c.csrf);
    form.append("file", file);
    return c.get(PAGE, { method: "POST", body: form });
  };

  beforeAll(async () => {
    t = await createTestApp();
    c = await consoleClient(t.app, { key: t.key });
  });
  afterAll(() => t?.close());

  it("starts empty, and the agent's page links to it", async () => {
    const page = await (await c.get(PAGE)).text();
    expect(page).toContain("No documents yet");
    expect(await (await c.get("/console/agents/receptionist")).text()).toContain(`href="${PAGE}"`);
  });

  it("uploads a document and lists it; a broken one is refused with the reason and nothing listed", async () => {
    const ok = await upload(
      new File(["# Hours\n\nOpen 8 to 18 on weekdays.\n"], "hours.md", { type: "text/markdown" }),
    );
    expect(ok.status).toBe(303);
    const listed = await (await c.get(ok.headers.get("location")!)).text();
    expect(listed).toContain("hours.md: indexed, 1 chunk.");
    expect(listed).toMatch(/<th scope="row">hours\.md<\/th>\s*<td>markdown<\/td>/);

    const broken = await upload(new File([pdfDocument([[{ size: 11, text: "cut" }]]).slice(0, 50)], "broken.pdf"));
    expect(broken.status).toBe(422);
    const page = await broken.text();
    expect(page).toMatch(/class="notice error" role="alert">[^<]*broken\.pdf/);
    expect(page).not.toContain('<th scope="row">broken.pdf</th>');
    expect((await t.services.knowledge.listDocuments("receptionist")).map((d) => d.name)).toEqual(["hours.md"]);
  });

  it("deletes a document (a form without the CSRF token is refused)", async () => {
    const action = `${PAGE}/hours.md/delete`;
    expect((await c.post(action, { _csrf: "forged" })).status).toBe(403);
    expect(await t.services.knowledge.listDocuments("receptionist")).toHaveLength(1);
    const res = await c.post(action, {});
    expect(res.status).toBe(303);
    expect(await (await c.get(res.headers.get("location")!)).text()).toContain("hours.md: deleted.");
    expect(await t.services.knowledge.listDocuments("receptionist")).toHaveLength(0);
  });
});
