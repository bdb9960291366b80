import { describe, expect, it } from "vitest";
import { Pager } from "../../../src/api/console/views/components.js";

/** The next-page link every console list ends with (calls, inbox, jobs, campaigns' recipients...). */
describe("console Pager", () => {
  it("links the next page with its label, or says More", () => {
    expect(String(Pager({ href: "/console/calls?before=42", children: "Older calls" }))).toBe(
      '<a class="pager" href="/console/calls?before=42">Older calls</a>',
    );
    expect(String(Pager({ href: "/console/jobs?cursor=a&b=1" }))).toBe(
      '<a class="pager" href="/console/jobs?cursor=a&amp;b=1">More</a>',
    );
  });

  it("renders nothing on a list's last page", () => {
    expect(Pager({ href: null })).toBeNull();
    expect(Pager({ href: undefined })).toBeNull();
  });
});
