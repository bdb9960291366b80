import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sipSection } from "../../../src/config/sections/sip.js";
import {
  createSipPort,
  forwardedUser,
  parseMessageSummary,
  sendMessageWaiting,
  SipError,
  type InboundCall,
  type SipPort,
} from "../../../src/sip/index.js";
import { drachtioMissing, startDrachtio, type DrachtioServer } from "../../helpers/drachtio-server.js";
import { captureLogger, freePort, runSipp, startSipp, startUa } from "./helpers.js";

/**
 * Message waiting (RFC 3842): an unsolicited NOTIFY with Event: message-summary from each SIP driver to SIPp
 * playing the phone or PBX. SIPp challenges (digest, verified by SIPp) and checks the headers and the body line by
 * line (test/fixtures/sipp/uas-mwi-notify.xml); these tests check the outcome on our side. Also the other half of
 * a SIP mailbox that lives in src/sip: a forwarded INVITE's Diversion and History-Info, as each driver hands them.
 */

const summary = { account: "sip:1001@pbx.test", voice: { new: 2, old: 5, urgentNew: 1 } };
const mailboxAuth = { username: "1001", password: "mwi-s3cret" };

let port: SipPort | null = null;
afterEach(async () => {
  await port?.close();
  port = null;
});

/** The MWI checks every driver passes. */
function mwiSuite(start: (extra?: Record<string, unknown>) => Promise<SipPort>) {
  it("sends the NOTIFY, answers the digest challenge, and the phone accepts it (200)", async () => {
    const sipp = await startSipp({ scenario: "uas-mwi-notify.xml", traceMessages: true });
    await sipp.ready;
    port = await start();
    const result = await sendMessageWaiting(port, {
      uri: `sip:1001@127.0.0.1:${sipp.port}`,
      summary,
      auth: mailboxAuth,
    });
    expect(result.status).toBe(200);
    const done = await sipp.done;
    expect(done.code, done.errors || done.output).toBe(0);
    // The body SIPp received reads back as what we sent.
    const body = done.messages.split(/\r?\n\r?\n/).find((part) => part.includes("Messages-Waiting")) ?? "";
    expect(parseMessageSummary(body)).toEqual({
      waiting: true,
      account: "sip:1001@pbx.test",
      voice: { new: 2, old: 5, urgentNew: 1, urgentOld: 0 },
    });
  });

  it("answers the challenge with the trunk's credentials when the NOTIFY goes to the trunk", async () => {
    const sipp = await startSipp({ scenario: "uas-mwi-notify.xml" });
    await sipp.ready;
    port = await start({ trunk: { uri: `sip:127.0.0.1:${sipp.port}`, ...mailboxAuth } });
    const result = await sendMessageWaiting(port, { uri: `sip:1001@127.0.0.1:${sipp.port}`, summary });
    expect(result.status).toBe(200);
    expect((await sipp.done).code).toBe(0);
  });

  it("rejects with SipError 401 when challenged and no credentials fit", async () => {
    const sipp = await startSipp({ scenario: "uas-mwi-notify.xml", timeoutS: 3 });
    await sipp.ready;
    port = await start();
    const error = await sendMessageWaiting(port, { uri: `sip:1001@127.0.0.1:${sipp.port}`, summary }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SipError);
    expect((error as SipError).sipStatus).toBe(401);
    await sipp.done;
  });

  it("hands a forwarded INVITE's Diversion and History-Info lines to the call, and the mailbox reads from them", async () => {
    port = await start();
    const seen: { diversion: string[]; history: string[]; last: string | null; original: string | null }[] = [];
    port.onInvite(async (call: InboundCall) => {
      const input = {
        diversion: call.headers("Diversion"),
        historyInfo: call.headers("History-Info"),
        requestUri: call.requestUri,
      };
      seen.push({
        diversion: input.diversion,
        history: input.historyInfo,
        last: forwardedUser(input)?.user ?? null,
        original: forwardedUser(input, "original")?.user ?? null,
      });
      await call.reject(480, "Temporarily Unavailable");
    });
    const result = await runSipp({
      scenario: "uac-forwarded-diversion.xml",
      target: `127.0.0.1:${port.local.port}`,
      service: "vm",
    });
    expect(result.code, result.errors || result.output).toBe(0);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.last).toBe("2002");
    expect(seen[0]?.original).toBe("2001");
    expect(forwardedUser({ historyInfo: seen[0]?.history })).toEqual({
      user: "2002",
      source: "history-info",
      reason: "408",
    });
  });

  it("rejects with SipError 403 when the credentials are wrong", async () => {
    const sipp = await startSipp({ scenario: "uas-mwi-notify.xml", timeoutS: 3 });
    await sipp.ready;
    port = await start();
    const error = await sendMessageWaiting(port, {
      uri: `sip:1001@127.0.0.1:${sipp.port}`,
      summary,
      auth: { username: "1001", password: "wrong" },
    }).catch((e: unknown) => e);
    expect((error as SipError).sipStatus).toBe(403);
    await sipp.done;
  });
}

describe("message waiting from the embedded UA", () => {
  mwiSuite((extra = {}) => startUa(extra));

  it("refuses bad input before anything is sent", async () => {
    port = await startUa();
    await expect(
      port.notify({ uri: "tel:+15551234", event: "message-summary", contentType: "text/plain", body: "" }),
    ).rejects.toThrow(/sip: URI/);
    await expect(
      port.notify({ uri: "sip:1001@127.0.0.1", event: "message summary", contentType: "text/plain", body: "" }),
    ).rejects.toThrow(/not a SIP token/);
    await expect(
      port.notify({
        uri: "sip:1001@127.0.0.1",
        event: "x",
        contentType: "text/plain",
        body: "",
        headers: { Event: "y" },
      }),
    ).rejects.toThrow(/cannot be set/);
    await expect(
      sendMessageWaiting(port, { uri: "sip:1001@127.0.0.1", summary: { voice: { new: -1, old: 0 } } }),
    ).rejects.toThrow(/whole numbers/);
  });

  it("gives up with SipError 408 when nobody answers (Timer F)", async () => {
    port = await startUa({ timers: { t1Ms: 20, t2Ms: 80 } });
    const silent = await freePort();
    const error = await sendMessageWaiting(port, { uri: `sip:1001@127.0.0.1:${silent}`, summary }).catch(
      (e: unknown) => e,
    );
    expect((error as SipError).sipStatus).toBe(408);
  });
});

describe.skipIf(drachtioMissing)(
  `message waiting through drachtio-server${drachtioMissing ? ` (skipped: ${drachtioMissing})` : ""}`,
  () => {
    let server: DrachtioServer;
    beforeAll(async () => {
      server = await startDrachtio();
    });
    afterAll(async () => {
      await server?.stop();
    });
    mwiSuite((extra = {}) => {
      const config = sipSection.parse({
        driver: "drachtio",
        drachtio: { host: "127.0.0.1", port: server.adminPort, secret: server.secret },
        allow: ["127.0.0.0/8"],
        ...extra,
      });
      return createSipPort(config, { logger: captureLogger("silent").logger });
    });
  },
);
