import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Operators } from "../../../src/api/console/auth/operators.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { httpFrom, loginForm, type HttpAnswer } from "../../helpers/http-from.js";

const ANA = { name: "ana", password: "a long passphrase" };

function tally(answers: HttpAnswer[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

/**
 * Issue 10, item 14: sign-in floods over real sockets, each client on its
 * own loopback address (127.0.0.x), as the server tells clients apart by
 * address. Attempts are counted before the password hash, and hashing is
 * capped, so a flood gets 429s while a normal sign-in and API calls go on.
 */
describe("console sign-in under a flood", () => {
  let t: TestApp;
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp();
    await new Operators(t.services.sql, t.dataDir).add(ANA.name, ANA.password, Date.now());
    server = serve({ fetch: t.app.fetch, hostname: "127.0.0.1", port: 0 });
    await new Promise<void>((r) => server.once("listening", () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server?.close(r));
    await t?.close();
  });

  it("100 parallel sign-ins from one address (99 wrong): 10 are checked, 90 get 429; another address signs in during and after", async () => {
    const forms = await Promise.all(Array.from({ length: 100 }, () => loginForm(base, "127.0.0.1")));
    const bystander = await loginForm(base, "127.0.0.2");
    const flood = Promise.all(
      forms.map((post, i) =>
        post({ method: "operator", name: ANA.name, password: i === 50 ? ANA.password : `wrong guess ${i}` }),
      ),
    );
    // While the flood is being answered: an operator elsewhere signs in, and a script uses the API.
    const [during, api] = await Promise.all([
      bystander({ method: "operator", ...ANA }),
      httpFrom(`${base}/v1/jobs`, { localAddress: "127.0.0.3", headers: { authorization: `Bearer ${t.key}` } }),
    ]);
    const answers = await flood;
    const counts = tally(answers);
    expect(counts[429]).toBe(90);
    expect((counts[401] ?? 0) + (counts[303] ?? 0)).toBe(10);
    const limited = answers.find((a) => a.status === 429)!;
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(limited.text).toContain("Too many sign-in attempts from your address");
    expect(during.status).toBe(303);
    expect(api.status).toBe(200);

    // Afterwards the flooding address waits out its window; everyone else signs in as usual.
    const after = await (await loginForm(base, "127.0.0.2"))({ method: "operator", ...ANA });
    expect(after.status).toBe(303);
    const flooder = await (await loginForm(base, "127.0.0.1"))({ method: "operator", ...ANA });
    expect(flooder.status).toBe(429);
  });

  it("a flood from many addresses is capped at a few hashes at once: the rest are told the server is busy", async () => {
    const addresses = Array.from({ length: 6 }, (_, i) => `127.0.1.${i + 1}`);
    const forms = (
      await Promise.all(addresses.map((a) => Promise.all(Array.from({ length: 10 }, () => loginForm(base, a)))))
    ).flat();
    const answers = await Promise.all(
      forms.map((post, i) => post({ method: "operator", name: ANA.name, password: `wrong guess ${i}` })),
    );
    const busy = answers.filter((a) => a.status === 429);
    // 2 hashing and 32 waiting fit; 60 attempts arriving together leave some with nowhere to wait.
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]!.text).toContain("The server is busy with other sign-ins");
    expect(busy[0]!.headers["retry-after"]).toBe("1");
    expect(answers.filter((a) => a.status === 401).length + busy.length).toBe(60);
    const metrics = await (await t.app.request("/metrics")).text();
    expect(metrics).toMatch(/parley_console_logins_total\{method="operator",outcome="busy"\} [1-9]/);
  });
});
