import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../../../src/api/console/auth/passwords.js";
import { LoginRateLimiter } from "../../../src/api/console/auth/rate-limit.js";
import { ConcurrencyGate } from "../../../src/lib/concurrency-gate.js";
import { SessionSigner } from "../../../src/api/console/auth/session.js";
import { safeNext } from "../../../src/api/console/auth/login-routes.js";

const who = { kind: "operator" as const, subject: "ana", label: "ana", stamp: "s1" };

describe("console session cookies", () => {
  const signer = new SessionSigner(randomBytes(32));

  it("round-trips a session and refuses it once expired", () => {
    const { value, session } = signer.issue(who, 1_000, 60_000);
    expect(signer.verify(value, 2_000)).toEqual(session);
    expect(signer.verify(value, 61_000)).toBeNull();
  });

  it("refuses a forged, altered or foreign cookie", () => {
    const { value } = signer.issue(who, 0, 60_000);
    const [v, payload, mac] = value.split(".") as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...who, subject: "root", sid: "x", exp: 9e15 })).toString("base64url");
    expect(signer.verify(`${v}.${forged}.${mac}`, 1)).toBeNull();
    expect(signer.verify(`${v}.${payload}.${mac.slice(0, -2)}xx`, 1)).toBeNull();
    expect(signer.verify(value, 1)).not.toBeNull();
    expect(new SessionSigner(randomBytes(32)).verify(value, 1)).toBeNull();
    for (const junk of [undefined, "", "v1", "v2.a.b", "v1..", `v1.${payload}`])
      expect(signer.verify(junk, 1)).toBeNull();
  });

  it("binds CSRF tokens to one session (logouts are kept in the store: console-identity.test.ts)", () => {
    const a = signer.issue(who, 0, 60_000);
    const b = signer.issue(who, 0, 60_000);
    expect(signer.checkCsrf(a.session, signer.csrfToken(a.session))).toBe(true);
    expect(signer.checkCsrf(a.session, signer.csrfToken(b.session))).toBe(false);
    expect(signer.checkCsrf(a.session, undefined)).toBe(false);
    expect(signer.checkCsrf(b.session, signer.csrfToken(b.session))).toBe(true);
  });

  it("checks the login form's token against its nonce cookie", () => {
    const nonce = randomBytes(18).toString("base64url");
    expect(signer.checkLoginToken(nonce, signer.loginToken(nonce))).toBe(true);
    expect(signer.checkLoginToken(randomBytes(18).toString("base64url"), signer.loginToken(nonce))).toBe(false);
    expect(signer.checkLoginToken(undefined, signer.loginToken(nonce))).toBe(false);
  });
});

describe("operator passwords", () => {
  it("hashes with a fresh salt and verifies only the right password", async () => {
    const [a, b] = await Promise.all([hashPassword("correct horse"), hashPassword("correct horse")]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsf", a)).toBe(false);
    for (const bad of [
      "",
      "scrypt$1$2",
      "bcrypt$32768$8$1$AAAA$BBBB",
      "scrypt$99999999$8$1$AAAAAAAAAAA$BBBBBBBBBBBBBBBBBBBBBBBB",
    ])
      expect(await verifyPassword("x", bad)).toBe(false);
  });
});

describe("login rate limit", () => {
  it("allows 10 attempts per address in 10 minutes, counted as they begin, then says how long to wait", () => {
    const limit = new LoginRateLimiter(10, 600_000);
    // Ten begun at once (none finished yet) use up the allowance: the eleventh is refused before any hashing.
    for (let i = 0; i < 10; i++) expect(limit.begin("10.0.0.1", 1000)).toBe(0);
    expect(limit.begin("10.0.0.1", 20_000)).toBe(600_000 + 1000 - 20_000);
    expect(limit.begin("10.0.0.2", 20_000)).toBe(0);
    expect(limit.begin("10.0.0.1", 601_001)).toBe(0);
  });

  it("takes back an attempt that succeeded or was never checked", () => {
    const limit = new LoginRateLimiter(2, 600_000);
    expect(limit.begin("a", 1)).toBe(0);
    limit.refund("a", 1);
    expect(limit.begin("a", 2)).toBe(0);
    expect(limit.begin("a", 3)).toBe(0);
    expect(limit.begin("a", 4)).toBeGreaterThan(0);
  });

  it("stays bounded under a flood of addresses", () => {
    const limit = new LoginRateLimiter(10, 600_000, 100);
    for (let i = 0; i < 1000; i++) limit.begin(`10.0.${i >> 8}.${i & 255}`, i);
    expect((limit as unknown as { attempts: Map<string, number[]> }).attempts.size).toBeLessThanOrEqual(101);
  });
});

describe("concurrency gate", () => {
  it("lets `concurrent` in, queues `waiting` in order, refuses the rest at once", async () => {
    const gate = new ConcurrencyGate(2, 1);
    const a = await gate.enter();
    const b = await gate.enter();
    const order: string[] = [];
    const c = gate.enter().then((r) => (order.push("c"), r));
    expect(await gate.enter()).toBeNull();
    expect(gate.load).toBe(3);
    a!();
    a!(); // a second release is ignored
    const rc = await c;
    expect(order).toEqual(["c"]);
    expect(gate.load).toBe(2);
    b!();
    rc!();
    expect(gate.load).toBe(0);
  });
});

describe("where a login may send the browser", () => {
  it("keeps it inside the console", () => {
    expect(safeNext("/console/calls/3")).toBe("/console/calls/3");
    expect(safeNext("/console/inbox?status=all&selected=2")).toBe("/console/inbox?status=all&selected=2");
    for (const bad of [
      undefined,
      "",
      "https://evil.example/",
      "//evil.example/console",
      "/v1/voicemails",
      "/console/login",
      "/console\\@evil",
      "/console/logout",
    ]) {
      expect(safeNext(bad)).toBe("/console");
    }
  });
});
