import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../integration/jobs/helpers.js";
import { runSipp, freePort, freeMediaPort } from "../integration/sip/helpers.js";
import type { RunningParley } from "../helpers/parley-process.js";
import { dirArgs, pullModels, serveOnLoopback } from "../helpers/parley-setup.js";
import { repoRoot } from "../helpers/paths.js";
import { sippCall, sippMissing } from "../helpers/sipp-call.js";

/**
 * SIGTERM drains a real `parley serve`: OPTIONS and new INVITEs get 503 and
 * /readyz 503 at once, calls in progress go on for up to calls.drainMs, then
 * the ones still up get a BYE, and the process exits 0.
 */

describe.skipIf(sippMissing)("SIGTERM drains live calls (parley serve, SIPp)", () => {
  let dir: string;
  const DRAIN_MS = 4000;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-drain-"));
    const agents = join(dir, "agents");
    mkdirSync(agents);
    copyFileSync(join(repoRoot, "agents/receptionist.yaml"), join(agents, "receptionist.yaml"));
    writeFileSync(
      join(dir, "parley.yaml"),
      [
        `agents: { dir: ${agents}, default: receptionist }`,
        `calls: { drainMs: ${DRAIN_MS} }`,
        "rtp: { ports: { min: 34300, max: 34339 } }",
        "log: { level: info }",
      ].join("\n"),
    );
    await pullModels(dirArgs(dir));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const serve = () => serveOnLoopback(dirArgs(dir));

  const DRAINING = '"msg":"draining: calls in progress may finish; new calls get 503"';
  /** The SIPp call is answered and counted (instead of a fixed wait that a loaded machine can outlast). */
  const callUp = (server: RunningParley) =>
    waitFor(
      async () => /^parley_calls_active 1$/m.test(await (await fetch(`${server.baseUrl}/metrics`)).text()),
      "the call to be up",
      30_000,
      100,
    );
  const exited = (server: RunningParley) =>
    new Promise<number | null>((resolve) =>
      server.child.exitCode !== null
        ? resolve(server.child.exitCode)
        : server.child.once("exit", (code) => resolve(code)),
    );

  it("a call in progress goes on after SIGTERM and ends normally; meanwhile OPTIONS and a new INVITE get 503; then it exits 0", async () => {
    const { server, sip } = await serve();
    const exit = exited(server);
    try {
      // The caller hangs up itself 3.5 s after the answer: inside the drain window.
      const call = sippCall(
        sip,
        { holdMs: 3500, hangup: "caller" },
        { sipPort: await freePort(), mediaPort: await freeMediaPort() },
      );
      await callUp(server);
      server.child.kill("SIGTERM");
      await waitFor(() => server.stderr().includes(DRAINING), "the server to start draining", 30_000, 50);
      const options = await runSipp({ scenario: "options-503.xml", target: sip });
      expect(options.code, options.errors || options.output).toBe(0);
      const invite = await runSipp({ scenario: "uac-unavailable-503.xml", target: sip });
      expect(invite.code, invite.errors || invite.output).toBe(0);
      expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(503);
      const result = await call;
      expect(result.code, result.output + result.errors).toBe(0); // our 200 to its BYE: the call was still up
      expect(await exit).toBe(0);
      expect(server.stderr()).toContain(DRAINING);
      expect(server.stderr()).not.toMatch(/drain time is up/);
    } finally {
      await server.stop();
    }
  });

  it("a call still up when calls.drainMs runs out gets a BYE then, not at SIGTERM", async () => {
    const { server, sip } = await serve();
    const exit = exited(server);
    try {
      const started = { at: 0 };
      const call = sippCall(
        sip,
        { holdMs: 20_000, hangup: "wait-for-bye" },
        { sipPort: await freePort(), mediaPort: await freeMediaPort() },
      ).then((r) => ({ ...r, at: Date.now() }));
      await callUp(server);
      started.at = Date.now();
      server.child.kill("SIGTERM");
      const result = await call;
      expect(result.code, result.output + result.errors).toBe(0); // it got our BYE and answered it
      expect(result.at - started.at).toBeGreaterThanOrEqual(DRAIN_MS - 300);
      expect(await exit).toBe(0);
      expect(server.stderr()).toMatch(/drain time is up: hanging up the calls still in progress/);
    } finally {
      await server.stop();
    }
  });
});
