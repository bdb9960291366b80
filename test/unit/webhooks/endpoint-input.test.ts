import { describe, expect, it } from "vitest";
import {
  createEndpointSchema,
  subscribableEvents,
  subscribes,
  updateEndpointSchema,
} from "../../../src/webhooks/index.js";

describe("webhook endpoint input", () => {
  it("matches subscriptions by type and '*', never for webhook.test", () => {
    expect(subscribes(["*"], "voicemail.urgent")).toBe(true);
    expect(subscribes(["voicemail.urgent"], "voicemail.urgent")).toBe(true);
    expect(subscribes(["voicemail.urgent"], "voicemail.processed")).toBe(false);
    expect(subscribes(["*"], "webhook.test")).toBe(false);
    expect(subscribableEvents).toContain("job.dead");
    expect(subscribableEvents).not.toContain("webhook.test");
  });

  it("accepts http and https URLs only, without credentials", () => {
    const ok = (url: string) => createEndpointSchema.safeParse({ name: "n", url, events: ["*"] }).success;
    expect(ok("https://hooks.example.com/parley?x=1")).toBe(true);
    expect(ok("http://10.1.2.3:8080/in")).toBe(true);
    for (const bad of [
      "ftp://example.com/",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "/relative",
      "https://u:p@example.com/",
      "",
    ])
      expect(ok(bad), bad).toBe(false);
  });

  it("fills defaults, dedupes events and wants '*' alone", () => {
    expect(
      createEndpointSchema.parse({ name: "on-call", url: "https://x.test/", events: ["job.dead", "job.dead"] }),
    ).toEqual({ name: "on-call", url: "https://x.test/", events: ["job.dead"], enabled: true });
    expect(
      createEndpointSchema.safeParse({ name: "n", url: "https://x.test/", events: ["*", "job.dead"] }).success,
    ).toBe(false);
    expect(updateEndpointSchema.safeParse({}).success).toBe(false);
    expect(updateEndpointSchema.parse({ enabled: false })).toEqual({ enabled: false });
  });

  it("takes slug names that routing rules can refer to", () => {
    const ok = (name: string) =>
      createEndpointSchema.safeParse({ name, url: "https://x.test/", events: ["*"] }).success;
    for (const name of ["on-call", "crm_v2", "Pager.Duty", "a"]) expect(ok(name), name).toBe(true);
    for (const name of ["", "-lead", "with space", "x".repeat(65), "émoji"]) expect(ok(name), name).toBe(false);
  });
});
