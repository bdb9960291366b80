import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { securityHeaders } from "../../../src/api/console/security-headers.js";

/** The console's headers through hono's secure-headers: the same policy the hand-written middleware sent. */
describe("console security headers", () => {
  const app = new Hono();
  app.use("*", securityHeaders());
  app.get("/page", (c) => c.html("<p>hi</p>"));
  app.get("/audio", (c) => c.body("x", 200, { "cache-control": "private, max-age=60" }));
  app.get("/fails", () => {
    throw new Error("boom");
  });

  it("sends the strict CSP, no framing, no sniffing, a same-origin referrer and no caching", async () => {
    const res = await app.request("/page");
    expect(res.headers.get("content-security-policy")).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    // Left to whoever terminates TLS (see the module's comment).
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("keeps a handler's own cache-control, and covers error pages too", async () => {
    expect((await app.request("/audio")).headers.get("cache-control")).toBe("private, max-age=60");
    const failed = await app.request("/fails");
    expect(failed.status).toBe(500);
    expect(failed.headers.get("x-frame-options")).toBe("DENY");
    expect(failed.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
