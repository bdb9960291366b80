import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { computeDigest, parseAuthParams, type DigestAlgorithm } from "../../../src/sip/auth/digest.js";
import { buildAnswer, buildOffer, DEFAULT_CAPABILITIES, SipError, type SipPort } from "../../../src/sip/index.js";
import { kamailioMissing, startKamailio, type Kamailio } from "../../helpers/kamailio.js";
import { freePort, runSipp, startSipp, startUa } from "./helpers.js";

/** Outbound calls (UAC) from the embedded UA to SIPp acting as callee, trunk or registrar. */

let ua: SipPort | null = null;
afterEach(async () => {
  await ua?.close();
  ua = null;
});

const offer = buildOffer({ address: "127.0.0.1", port: 40_002 }, DEFAULT_CAPABILITIES);
const auth = { username: "parley-trunk", password: "s3cret" };

describe("embedded UA calls SIPp", () => {
  it("places a call to `sipp -sn uas`, gets the answer SDP and hangs up", async () => {
    ua = await startUa();
    const sipp = await startSipp({ builtin: "uas" });
    await sipp.ready;
    const progress: number[] = [];
    const call = await ua.dial({
      uri: `sip:callee@127.0.0.1:${sipp.port}`,
      sdp: offer,
      timeoutMs: 5000,
      onProgress: (s) => progress.push(s),
    });
    expect(call.direction).toBe("outbound");
    expect(call.media.codec.name).toBe("PCMU");
    expect(call.media.remote.address).toBe("127.0.0.1");
    expect(progress).toContain(180);
    await call.hangup();
    expect((call.signal.reason as { endReason: string }).endReason).toBe("local-bye");
    const result = await sipp.done;
    expect(result.code, result.errors || result.output).toBe(0);
  });

  for (const [algorithm, scenario] of [
    ["MD5", "uas-digest-md5.xml"],
    ["SHA-256", "uas-digest-sha256.xml"],
  ] as const) {
    it(`answers a ${algorithm} digest challenge with the right Authorization fields`, async () => {
      ua = await startUa();
      const sipp = await startSipp({ scenario, traceMessages: true });
      await sipp.ready;
      const uri = `sip:callee@127.0.0.1:${sipp.port}`;
      const call = await ua.dial({ uri, sdp: offer, auth, timeoutMs: 5000 });
      await call.hangup();
      const result = await sipp.done;
      expect(result.code, result.errors || result.output).toBe(0);
      // Recompute the response from the Authorization SIPp received: it must be exactly RFC 7616's.
      const header = /^Authorization: (.+)$/m.exec(result.messages)?.[1]?.trim() ?? "";
      const { params } = parseAuthParams(header);
      expect(params).toMatchObject({
        username: "parley-trunk",
        realm: "sipp.test",
        uri,
        algorithm,
        qop: "auth",
        nc: "00000001",
        opaque: "op4que",
      });
      const expected = computeDigest({
        algorithm: algorithm as DigestAlgorithm,
        username: auth.username,
        password: auth.password,
        realm: "sipp.test",
        nonce: params.nonce ?? "",
        method: "INVITE",
        uri,
        qop: "auth",
        nc: "00000001",
        cnonce: params.cnonce ?? "",
      });
      expect(params.response).toBe(expected);
    });
  }

  it("rejects with SipError 486 when the callee is busy", async () => {
    ua = await startUa();
    const sipp = await startSipp({ scenario: "uas-busy.xml" });
    await sipp.ready;
    const error = await ua
      .dial({ uri: `sip:callee@127.0.0.1:${sipp.port}`, sdp: offer, timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SipError);
    expect((error as SipError).sipStatus).toBe(486);
    expect((error as SipError).retryable).toBe(true);
    expect((await sipp.done).code).toBe(0);
  });

  it("sends CANCEL when aborted while ringing, and rejects with AbortError", async () => {
    ua = await startUa();
    const sipp = await startSipp({ scenario: "uas-ring-cancel.xml" });
    await sipp.ready;
    const controller = new AbortController();
    const error = await ua
      .dial({
        uri: `sip:callee@127.0.0.1:${sipp.port}`,
        sdp: offer,
        timeoutMs: 5000,
        signal: controller.signal,
        onProgress: (status) => status === 180 && controller.abort(),
      })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    const result = await sipp.done;
    expect(result.code, result.errors || result.output).toBe(0);
  });

  it("gives up with SipError 408 (after CANCEL) when nobody answers in time", async () => {
    ua = await startUa();
    const sipp = await startSipp({ scenario: "uas-ring-cancel.xml" });
    await sipp.ready;
    const started = Date.now();
    const error = await ua
      .dial({ uri: `sip:callee@127.0.0.1:${sipp.port}`, sdp: offer, timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect((error as SipError).sipStatus).toBe(408);
    expect(Date.now() - started).toBeLessThan(3000);
    expect((await sipp.done).code).toBe(0);
  });

  it("registers with digest auth, refreshes before expiry and unregisters on stop", async () => {
    ua = await startUa();
    const sipp = await startSipp({ scenario: "uas-registrar.xml" });
    await sipp.ready;
    const registered: number[] = [];
    ua.on("sip:registered", (e) => registered.push(e.expiresS));
    const registration = await ua.register({
      registrar: `sip:127.0.0.1:${sipp.port}`,
      aor: "sip:parley-trunk@sipp.test",
      expiresS: 60,
      ...auth,
    });
    expect(registration.expiresAt).toBeGreaterThan(Date.now());
    // Granted 2 s: the refresh must come before the binding lapses.
    await new Promise<void>((resolve) => {
      const check = setInterval(() => registered.length >= 2 && (clearInterval(check), resolve()), 50);
    });
    await registration.stop();
    expect(registered).toEqual([2, 2]);
    const result = await sipp.done;
    expect(result.code, result.errors || result.output).toBe(0);
  });

  it("treats a registrar's 200 that lists no binding for our Contact as a failure", async () => {
    ua = await startUa();
    const sipp = await startSipp({ scenario: "uas-registrar-no-binding.xml" });
    await sipp.ready;
    const error = await ua
      .register({ registrar: `sip:127.0.0.1:${sipp.port}`, aor: "sip:parley-trunk@sipp.test", expiresS: 60, ...auth })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SipError);
    expect((error as SipError).sipStatus).toBe(502);
    expect((await sipp.done).code).toBe(0);
  });

  for (const [why, trunk] of [
    [
      "a host that is not the trunk",
      (_sippPort: number, other: number) => ({ uri: `sip:127.0.0.1:${other}`, ...auth }),
    ],
    [
      "the trunk host naming another realm",
      (sippPort: number) => ({ uri: `sip:127.0.0.1:${sippPort}`, ...auth, realm: "trunk.example" }),
    ],
  ] as const) {
    it(`withholds the trunk's credentials from ${why}`, async () => {
      const sipp = await startSipp({ scenario: "uas-digest-md5.xml", traceMessages: true, timeoutS: 4 });
      await sipp.ready;
      ua = await startUa({ trunk: trunk(sipp.port, await freePort()) });
      const error = await ua
        .dial({ uri: `sip:callee@127.0.0.1:${sipp.port}`, sdp: offer, timeoutMs: 5000 })
        .catch((e: unknown) => e);
      expect((error as SipError).sipStatus).toBe(401);
      const result = await sipp.done;
      expect(result.messages).not.toMatch(/^\s*Authorization:/m);
    });
  }
});

describe.skipIf(kamailioMissing)(
  `embedded UA and Kamailio as registrar${kamailioMissing ? ` (skipped: ${kamailioMissing})` : ""}`,
  () => {
    let kamailio: Kamailio;
    beforeAll(async () => {
      kamailio = await startKamailio();
    });
    afterAll(async () => {
      await kamailio?.stop();
    });

    it("registers (digest), and a call to the AOR through Kamailio reaches us", async () => {
      ua = await startUa();
      const ended: string[] = [];
      ua.onInvite(async (call) => {
        call.on("call:ended", (e) => ended.push(e.endReason));
        await call.accept(buildAnswer(call.media, { address: "127.0.0.1", port: 40_000 }));
      });
      const registration = await ua.register({
        registrar: `sip:127.0.0.1:${kamailio.port}`,
        aor: "sip:parley-trunk@127.0.0.1",
        expiresS: 60,
        ...auth,
      });
      expect(registration.expiresAt).toBeGreaterThan(Date.now());
      const call = await runSipp({
        scenario: "uac-via-proxy.xml",
        target: `127.0.0.1:${kamailio.port}`,
        service: "parley-trunk",
        timeoutS: 10,
      });
      expect(call.code, `${call.errors || call.output}\n${kamailio.log()}`).toBe(0);
      expect(ended).toEqual(["remote-bye"]);
      await registration.stop();
    });
  },
);
