import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { sipSection } from "../../../src/config/sections/sip.js";
import { PortPool } from "../../../src/rtp/index.js";
import type { TestApp } from "../../helpers/app.js";
import { createSipPort } from "../../../src/sip/index.js";
import { freePort, freeMediaPort, scenarios } from "../sip/helpers.js";

export const sippMissing = spawnSync("sipp", ["-v"]).error
  ? "sipp is not installed (apt-get install sip-tester)"
  : false;

/** Gives a test app what `parley serve` has: an embedded SIP UA on 127.0.0.1 and live calls. Returns the undo. */
export async function attachSip(t: TestApp): Promise<() => Promise<void>> {
  const sip = await createSipPort(
    sipSection.parse({ listen: { host: "127.0.0.1", port: 0 }, rateLimit: { perSecond: 0 } }),
    { logger: t.services.logger },
  );
  const calls = t.features.calls.attach(sip, new PortPool(t.services.config.rtp.ports));
  calls.start();
  return async () => {
    await calls.stop();
    await sip.close();
    t.features.calls.detach();
  };
}

/** A SIPp callee that takes any number of calls (no -m) until stopped: a fixture scenario or a built-in one. */
export interface Callee {
  port: number;
  /** A recipient at this callee, as a SIP URI whose user part is the number (the zone and the do-not-call key come from it). */
  uri: (number: string) => string;
  stop: () => Promise<void>;
}

export async function startCallee(scenario: string): Promise<Callee> {
  const port = await freePort();
  const mediaPort = await freeMediaPort();
  const source = scenario.endsWith(".xml") ? ["-sf", join(scenarios, scenario)] : ["-sn", scenario];
  const child: ChildProcess = spawn(
    "sipp",
    [
      ...source,
      "-i",
      "127.0.0.1",
      "-p",
      String(port),
      "-mp",
      String(mediaPort),
      "-nostdin",
      "-t",
      "u1",
      "-timeout",
      "300s",
    ],
    { stdio: "ignore" },
  );
  // SIPp binds within milliseconds; a call placed before that is retransmitted by our UA anyway.
  await new Promise((r) => setTimeout(r, 300));
  return {
    port,
    uri: (number) => `sip:${number}@127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
      }),
  };
}
