import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { sipSection } from "../../../src/config/sections/sip.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { buildAnswer, createSipPort, type SipPort } from "../../../src/sip/index.js";
import { captureLogger, freePort, runSipp } from "./helpers.js";

/**
 * The drachtio driver needs a drachtio-server (C++, not in Debian or npm; see
 * docs/drachtio.md for the container). The full suite runs only where one is
 * reachable: set DRACHTIO_HOST (and DRACHTIO_PORT, DRACHTIO_SECRET, and
 * DRACHTIO_SIP_PORT for its SIP side, default 5060). What needs no server runs
 * everywhere.
 */

const host = process.env.DRACHTIO_HOST;
const adminPort = Number(process.env.DRACHTIO_PORT ?? 9022);
const secret = process.env.DRACHTIO_SECRET ?? "cymru";
const sipTarget = `${process.env.DRACHTIO_SIP_HOST ?? host ?? "127.0.0.1"}:${process.env.DRACHTIO_SIP_PORT ?? 5060}`;

let port: SipPort | null = null;
afterEach(async () => {
  await port?.close();
  port = null;
});

describe("drachtio driver without a server", () => {
  it("fails to start with a retryable drachtio_unreachable error", async () => {
    const closed = await freePort();
    const config = sipSection.parse({ driver: "drachtio", drachtio: { host: "127.0.0.1", port: closed, secret: "x", connectTimeoutMs: 300 } });
    const error = await createSipPort(config, { logger: captureLogger("silent").logger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe("drachtio_unreachable");
    expect((error as ParleyError).retryable).toBe(true);
  });

  it("gives up on a server that accepts TCP but never completes the drachtio handshake", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", () => resolve()));
    const address = silent.address();
    const adminPort = typeof address === "object" && address ? address.port : 0;
    try {
      const config = sipSection.parse({ driver: "drachtio", drachtio: { host: "127.0.0.1", port: adminPort, secret: "x", connectTimeoutMs: 300 } });
      const error = await createSipPort(config, { logger: captureLogger("silent").logger }).catch((e: unknown) => e);
      expect((error as ParleyError).code).toBe("drachtio_unreachable");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("refuses a drachtio config without a secret", () => {
    expect(() => sipSection.parse({ driver: "drachtio" })).toThrow(/drachtio.secret/);
  });
});

describe.skipIf(!host)(`drachtio driver against drachtio-server ${host ? `at ${host}:${adminPort}` : "(skipped: DRACHTIO_HOST is not set, no drachtio-server to talk to)"}`, () => {
  async function start(): Promise<SipPort> {
    const config = sipSection.parse({ driver: "drachtio", drachtio: { host, port: adminPort, secret }, allow: ["0.0.0.0/0", "::/0"] });
    return createSipPort(config, { logger: captureLogger("silent").logger });
  }

  it("answers a SIPp call and takes its BYE", async () => {
    port = await start();
    const ended: string[] = [];
    port.onInvite(async (call) => {
      call.on("call:ended", (e) => ended.push(e.endReason));
      await call.accept(buildAnswer(call.media, { address: "127.0.0.1", port: 40_020 }));
    });
    const result = await runSipp({ scenario: "uac-call-bye.xml", target: sipTarget });
    expect(result.code, result.errors || result.output).toBe(0);
    expect(ended).toEqual(["remote-bye"]);
  });

  it("answers OPTIONS and 488 for a codec mismatch", async () => {
    port = await start();
    port.onInvite(() => {
      throw new Error("must not be reached");
    });
    expect((await runSipp({ scenario: "options.xml", target: sipTarget })).code).toBe(0);
    expect((await runSipp({ scenario: "uac-codec-488.xml", target: sipTarget })).code).toBe(0);
  });
});
