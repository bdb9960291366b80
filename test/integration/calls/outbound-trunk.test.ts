import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallManager } from "../../../src/calls/call-manager.js";
import { sipSection } from "../../../src/config/sections/sip.js";
import { PortPool } from "../../../src/rtp/index.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { sippMissing } from "../notify/sip.js";
import { freePort, startSipp, type SippRun } from "../sip/helpers.js";

/**
 * POST /v1/calls with a phone number, through a trunk played by SIPp: the
 * number is dialled at the trunk, From is the trunk account with the
 * configured display name, P-Asserted-Identity is sent, and the trunk's
 * digest challenge is answered with the trunk's credentials.
 */

async function withSip(t: TestApp, ports: { min: number; max: number }): Promise<{ sip: SipPort; calls: CallManager }> {
  const sip = await createSipPort(
    sipSection.parse({ ...t.services.config.sip, listen: { host: "127.0.0.1", port: 0 } }),
    { logger: t.services.logger },
  );
  const calls = t.features.calls.attach(sip, new PortPool(ports));
  calls.start();
  return { sip, calls };
}

describe.skipIf(sippMissing)("outbound calls to a number through the trunk", () => {
  let t: TestApp;
  let sip: SipPort;
  let calls: CallManager;
  let trunk: SippRun;
  let trunkPort: number;

  beforeAll(async () => {
    trunkPort = await freePort();
    trunk = await startSipp({ scenario: "uas-trunk-identity.xml", port: trunkPort, timeoutS: 60 });
    await trunk.ready;
    t = await createTestApp({
      engines: "tiny",
      config: {
        sip: { trunk: { uri: `sip:127.0.0.1:${trunkPort}`, username: "parley-trunk", password: "s3cret" } },
        calls: {
          outbound: {
            displayName: "Acme Support",
            assertedIdentity: "sip:+15550001111@127.0.0.1",
            ringTimeoutMs: 5000,
          },
        },
      },
    });
    ({ sip, calls } = await withSip(t, { min: 34200, max: 34219 }));
  });
  afterAll(async () => {
    await calls?.stop();
    await sip?.close();
    await t?.close();
  });

  it("dials sip:<number>@<trunk> with the trunk account as From, the display name and P-Asserted-Identity, and answers the trunk's challenge", async () => {
    const res = await t.request("/v1/calls", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ to: "+15551234567" }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
    const { callId } = (await res.json()) as { callId: number };
    const call = (await (await t.request(`/v1/calls/${callId}`)).json()) as {
      direction: string;
      from: string;
      to: string;
      remoteNumber: string;
    };
    expect(call).toMatchObject({
      direction: "outbound",
      from: "sip:parley-trunk@127.0.0.1",
      to: `sip:+15551234567@127.0.0.1:${trunkPort}`,
      remoteNumber: "+15551234567",
    });
    await calls.stop(); // our BYE ends SIPp's scenario
    const result = await trunk.done;
    expect(result.code, result.errors || result.output).toBe(0);
  });
});

describe("outbound calls to a number without a trunk", () => {
  let t: TestApp;
  let sip: SipPort;
  let calls: CallManager;
  beforeAll(async () => {
    t = await createTestApp();
    ({ sip, calls } = await withSip(t, { min: 34220, max: 34229 }));
  });
  afterAll(async () => {
    await calls?.stop();
    await sip?.close();
    await t?.close();
  });

  it("refuses at once with 422 no_trunk, naming the setting, and dials nothing", async () => {
    const res = await t.request("/v1/calls", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ to: "+15551234567" }),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      error: { code: "no_trunk", message: expect.stringContaining("sip.trunk.uri") },
    });
    expect(calls.inUse).toBe(0);
  });

  it("refuses what is neither a number nor a SIP URI with 422", async () => {
    const res = await t.request("/v1/calls", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ to: "call mom" }),
    });
    expect(res.status).toBe(422);
  });
});
