import { statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Operators } from "../../../src/api/console/auth/operators.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { consoleClient, cookiesOf, csrfOf, submitLogin } from "../../helpers/console.js";

/** Console sign-in, session cookies, CSRF and logout, over app.request() on a real app. */
describe("console sign-in and sessions", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await new Operators(t.services.sql, t.dataDir).add("ana", "a long passphrase", Date.now());
  });
  afterAll(() => t?.close());

  it("sends a visitor without a session to the login page, remembering where they were going", async () => {
    const res = await t.app.request("/console/calls?direction=inbound");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/login?next=%2Fconsole%2Fcalls%3Fdirection%3Dinbound");
    const page = await t.app.request("/console/login");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect((await t.app.request("/console/events", { headers: { accept: "application/json" } })).status).toBe(401);
  });

  it("signs in with an API key: an HttpOnly, SameSite=Strict cookie on /console, Secure only over HTTPS", async () => {
    const res = await submitLogin(t.app, { method: "key", key: t.key });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console/inbox");
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("parley_session="))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console(;|$)/);
    expect(cookie).not.toMatch(/Secure/);
    const secure = await submitLogin(t.app, { method: "key", key: t.key }, "https://parley.example");
    expect(secure.headers.getSetCookie().find((c) => c.startsWith("parley_session="))).toMatch(/Secure/);
    // The signing secret: a 0600 file on a SQLite node, the store's one row with store.url (PARLEY_TEST_STORE=postgres).
    if (t.services.sql.dialect === "sqlite")
      expect(statSync(join(t.dataDir, "console-secret")).mode & 0o777).toBe(0o600);
    else expect(await t.services.sql.all("SELECT id FROM console_secret")).toEqual([{ id: 1 }]);
  });

  it("signs in an operator; wrong passwords and unknown keys get the form back with a reason", async () => {
    expect((await submitLogin(t.app, { method: "operator", name: "ana", password: "a long passphrase" })).status).toBe(
      303,
    );
    const wrong = await submitLogin(t.app, { method: "operator", name: "ana", password: "not it at all" });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("Wrong name or password.");
    const badKey = await submitLogin(t.app, { method: "key", key: "pk_0000000000_" + "A".repeat(43) });
    expect(badKey.status).toBe(401);
  });

  it("refuses a login form posted without its token or from another site", async () => {
    const page = await t.app.request("/console/login");
    const token = csrfOf(await page.text());
    const post = (headers: Record<string, string>, fields: Record<string, string>) =>
      t.app.request("/console/login", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ method: "key", key: t.key, ...fields }),
      });
    expect((await post({}, { _csrf: token })).status).toBe(403); // no nonce cookie
    expect((await post({ cookie: cookiesOf(page) }, {})).status).toBe(403);
    expect((await post({ cookie: cookiesOf(page), origin: "http://evil.example" }, { _csrf: token })).status).toBe(403);
    expect((await post({ cookie: cookiesOf(page) }, { _csrf: token })).status).toBe(303);
  });

  it("checks the CSRF token of every state-changing request", async () => {
    const c = await consoleClient(t.app, { key: t.key });
    const forged = await t.app.request("/console/jobs/1/retry", {
      method: "POST",
      headers: { cookie: c.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: "next=/console/jobs",
    });
    expect(forged.status).toBe(403);
    const wrong = await c.post("/console/jobs/1/retry", { _csrf: "x".repeat(43) });
    expect(wrong.status).toBe(403);
    const crossSite = await c.post("/console/jobs/1/retry", {}, { "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    // With the token the request reaches the handler (no job 1 here: 404).
    expect((await c.post("/console/jobs/1/retry", {})).status).toBe(404);
    const viaHeader = await t.app.request("/console/jobs/1/retry", {
      method: "POST",
      headers: { cookie: c.cookie, "x-csrf-token": c.csrf, accept: "application/json" },
    });
    expect(viaHeader.status).toBe(404);
  });

  it("ends the session on logout, on key revocation and on operator removal", async () => {
    const c = await consoleClient(t.app, { key: t.key });
    const out = await c.post("/console/logout", {});
    expect(out.status).toBe(303);
    expect(out.headers.getSetCookie().join()).toMatch(/parley_session=;/);
    expect((await c.get("/console/inbox")).status).toBe(303);
    const late = await c.post("/console/jobs/1/retry", {}, { referer: "http://localhost/console/jobs?kind=x" });
    expect(late.status).toBe(303);
    expect(late.headers.get("location")).toBe("/console/login?next=%2Fconsole%2Fjobs%3Fkind%3Dx");

    const op = await consoleClient(t.app, { name: "ana", password: "a long passphrase" });
    expect((await op.get("/console/inbox")).status).toBe(200);
    await new Operators(t.services.sql, t.dataDir).remove("ana");
    expect((await op.get("/console/inbox")).status).toBe(303);

    const { createApiKey } = await import("../../../src/api/auth/api-keys.js");
    const key = await createApiKey(t.services.apiKeys, "temp", t.services.clock);
    const k = await consoleClient(t.app, { key: key.key });
    expect((await k.get("/console/inbox")).status).toBe(200);
    await t.services.apiKeys.revoke(key.id, Date.now());
    expect((await k.get("/console/inbox")).status).toBe(303);
  });

  it("limits failed sign-ins per address, and a good key is refused too while blocked", async () => {
    const fresh = await createTestApp();
    try {
      const codes: number[] = [];
      for (let i = 0; i < 11; i++) codes.push((await submitLogin(fresh.app, { method: "key", key: "nope" })).status);
      expect(codes.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(codes[10]).toBe(429);
      const blocked = await submitLogin(fresh.app, { method: "key", key: fresh.key });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(500);
      const metrics = await (await fresh.app.request("/metrics")).text();
      expect(metrics).toMatch(/parley_console_logins_total\{method="key",outcome="rate_limited"\} 2/);
      expect(metrics).toMatch(/parley_console_logins_total\{method="key",outcome="failed"\} 10/);
    } finally {
      await fresh.close();
    }
  });
});
