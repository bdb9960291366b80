import { afterEach, describe, expect, it } from "vitest";
import {
  buildAnswer,
  buildOffer,
  DEFAULT_CAPABILITIES,
  SipError,
  type CallEnded,
  type InboundCall,
  type SipPort,
} from "../../../src/sip/index.js";
import { captureLogger, startUa } from "./helpers.js";

/**
 * Our UAC against our UAS, for what SIPp cannot check: a SHA-256 digest
 * verified end to end (UAS challenge, nonce, verification), wrong
 * credentials refused, and the callee seeing the caller's BYE.
 */

let uas: SipPort | null = null;
let uac: SipPort | null = null;
afterEach(async () => {
  await uac?.close();
  await uas?.close();
  uas = uac = null;
});

const offer = buildOffer({ address: "127.0.0.1", port: 40_004 }, DEFAULT_CAPABILITIES);

/** A UAS that trusts nobody by address, only the credential "trunk1". */
async function guardedUas(): Promise<{ port: SipPort; calls: InboundCall[] }> {
  const port = await startUa({
    allow: ["192.0.2.0/24"],
    credentials: [{ username: "trunk1", password: "pa55" }],
    realm: "parley.test",
  });
  const calls: InboundCall[] = [];
  port.onInvite(async (call) => {
    calls.push(call);
    await call.accept(buildAnswer(call.media, { address: "127.0.0.1", port: 40_006 }));
  });
  return { port, calls };
}

describe("embedded UA calling embedded UA", () => {
  it("authenticates with digest (SHA-256 preferred) and ends the callee on the caller's BYE", async () => {
    const guarded = await guardedUas();
    uas = guarded.port;
    uac = await startUa();
    const call = await uac.dial({
      uri: `sip:agent@127.0.0.1:${uas.local.port}`,
      sdp: offer,
      auth: { username: "trunk1", password: "pa55" },
      timeoutMs: 5000,
    });
    expect(guarded.calls).toHaveLength(1);
    const callee = guarded.calls[0]!;
    expect(callee.authenticatedUser).toBe("trunk1");
    expect(callee.header("authorization")).toContain("algorithm=SHA-256");
    const ended = new Promise<CallEnded>((resolve) => callee.on("call:ended", resolve));
    const byes: unknown[] = [];
    callee.on("call:bye", (e) => byes.push(e));
    await call.hangup();
    expect((await ended).endReason).toBe("remote-bye");
    expect(byes).toHaveLength(1);
  });

  it("refuses wrong credentials with 403 and an unauthenticated caller with 401", async () => {
    const { logger, lines } = captureLogger("info");
    uas = await startUa({ allow: ["192.0.2.0/24"], credentials: [{ username: "trunk1", password: "pa55" }] }, logger);
    uas.onInvite(() => {
      throw new Error("must not be reached");
    });
    uac = await startUa();
    const wrong = await uac
      .dial({
        uri: `sip:agent@127.0.0.1:${uas.local.port}`,
        sdp: offer,
        auth: { username: "trunk1", password: "guess" },
        timeoutMs: 5000,
      })
      .catch((e: unknown) => e);
    expect((wrong as SipError).sipStatus).toBe(403);
    const none = await uac
      .dial({ uri: `sip:agent@127.0.0.1:${uas.local.port}`, sdp: offer, timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect((none as SipError).sipStatus).toBe(401);
    expect(JSON.stringify(lines)).not.toContain("guess");
  });

  it("passes extra headers sanitised, and refuses to let callers set core headers", async () => {
    uas = await startUa();
    const seen: (string | undefined)[] = [];
    uas.onInvite(async (call) => {
      seen.push(call.header("x-campaign"), call.header("injected"));
      await call.reject(486);
    });
    uac = await startUa();
    const uri = `sip:agent@127.0.0.1:${uas.local.port}`;
    const busy = await uac
      .dial({ uri, sdp: offer, headers: { "X-Campaign": "spring\r\nInjected: yes" }, timeoutMs: 5000 })
      .catch((e: unknown) => e);
    expect((busy as SipError).sipStatus).toBe(486);
    expect(seen).toEqual(["spring Injected: yes", undefined]);
    const refused = await uac.dial({ uri, sdp: offer, headers: { Via: "SIP/2.0/UDP evil" } }).catch((e: unknown) => e);
    expect((refused as { code: string }).code).toBe("invalid_argument");
  });
});
