import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { buildAnswer, type SipPort } from "../../../src/sip/index.js";
import type { SipMessage } from "../../../src/sip/embedded/message.js";
import { G711_OFFER, RawPeer, rawRequest, runSipp, startUa } from "./helpers.js";

/**
 * Resource floods against the embedded UA from real sockets on loopback
 * aliases (all of 127.0.0.0/8 is loopback on Linux, so 127.0.0.2.. stand in
 * for other hosts): INVITEs whose 200 is never ACKed, and idle TCP
 * connections that hold slots without sending a byte.
 */

let ua: SipPort | null = null;
const peers: RawPeer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(peers.splice(0).map((p) => p.close()));
  await ua?.close();
  ua = null;
});

async function peer(host: string): Promise<RawPeer> {
  const p = await RawPeer.open(host);
  peers.push(p);
  return p;
}

const statusOf = (m: SipMessage) => (m.kind === "response" ? m.status : 0);
const callIdOf = (m: SipMessage) => m.headers.find((h) => h.name === "call-id")?.value ?? "";

/** Final statuses received per Call-ID (the first final of each; 200s are retransmitted). */
function finals(p: RawPeer): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of p.received) if (statusOf(m) >= 200 && !out.has(callIdOf(m))) out.set(callIdOf(m), statusOf(m));
  return out;
}

/** Opens a TCP connection from `localAddress` and resolves once it is connected (it sends nothing). */
function openIdle(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress });
    sockets.push(socket);
    socket.once("connect", () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Resolves true if the server closes `socket` within `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readyState === "closed") return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.on("error", () => {});
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe("INVITEs whose 200 is never ACKed", () => {
  it("one source holds at most maxUnacknowledgedPerSource answered calls; another source is still answered; the ACK timeout frees them", async () => {
    ua = await startUa({ maxUnacknowledgedPerSource: 4, timers: { ackTimeoutMs: 1500 } });
    ua.onInvite(async (call) => {
      await call.accept(buildAnswer(call.media, { address: "127.0.0.1", port: 40_000 })).catch(() => undefined);
    });
    const port = ua.local.port;
    const flooder = await peer("127.0.0.2");
    const invite = (p: RawPeer, host: string, callId: string) =>
      p.send(
        rawRequest({
          method: "INVITE",
          uri: `sip:agent@127.0.0.1:${port}`,
          peerPort: p.port,
          host,
          callId,
          body: G711_OFFER,
        }),
        port,
        "127.0.0.1",
      );
    for (let i = 0; i < 10; i++) await invite(flooder, "127.0.0.2", `flood-${i}`);
    await flooder.waitFor(() => finals(flooder).size === 10);
    const first = [...finals(flooder).values()];
    expect(first.filter((s) => s === 200)).toHaveLength(4);
    expect(first.filter((s) => s === 503)).toHaveLength(6);

    const pbx = await peer("127.0.0.1");
    await invite(pbx, "127.0.0.1", "pbx-1");
    await pbx.waitFor((m) => statusOf(m) === 200);

    // After the ACK timeout the flooder's dialogs are given up (BYE) and it may be answered again.
    await flooder.waitFor((m) => m.kind === "request" && m.method === "BYE", 5000);
    await new Promise((r) => setTimeout(r, 300));
    await invite(flooder, "127.0.0.2", "flood-late");
    await flooder.waitFor((m) => callIdOf(m) === "flood-late" && statusOf(m) === 200, 3000);
  });
});

describe("idle SIP-over-TCP connections", () => {
  it("closes a connection from outside the allow list at accept when nobody outside may call", async () => {
    ua = await startUa({ allow: ["127.0.0.1/32"] });
    const stranger = await openIdle(ua.local.port, "127.0.0.2");
    expect(await closedWithin(stranger, 1000)).toBe(true);
    const pbx = await openIdle(ua.local.port, "127.0.0.1");
    expect(await closedWithin(pbx, 300)).toBe(false);
  });

  it("caps connections per address, and closes one that sends no complete message in time even if it trickles bytes", async () => {
    ua = await startUa({
      allow: ["127.0.0.1/32"],
      credentials: [{ username: "remote", password: "secret" }],
      tcp: { maxConnectionsPerAddress: 5, firstMessageTimeoutMs: 500 },
    });
    const conns = await Promise.all(Array.from({ length: 8 }, () => openIdle(ua!.local.port, "127.0.0.3")));
    const early = await Promise.all(conns.map((c) => closedWithin(c, 200)));
    expect(early.filter(Boolean)).toHaveLength(3);
    const survivors = conns.filter((_, i) => !early[i]);
    const trickle = setInterval(() => {
      for (const c of survivors) if (!c.destroyed) c.write("O");
    }, 100);
    try {
      const later = await Promise.all(survivors.map((c) => closedWithin(c, 2000)));
      expect(later.every(Boolean)).toBe(true);
    } finally {
      clearInterval(trickle);
    }
  });

  it("1,030 idle connections from outside the allow list leave the PBX's TCP calls working", async () => {
    ua = await startUa({ allow: ["127.0.0.1/32"] });
    ua.onInvite(async (call) => {
      await call.accept(buildAnswer(call.media, { address: "127.0.0.1", port: 40_000 }));
    });
    const port = ua.local.port;
    // 1,030 connections spread over ten outside addresses; most are closed at accept, some may be mid-close.
    const opened = await Promise.allSettled(
      Array.from({ length: 1030 }, (_, i) => openIdle(port, `127.0.0.${2 + (i % 10)}`)),
    );
    expect(opened.length).toBe(1030);
    const result = await runSipp({ scenario: "uac-call-bye.xml", target: `127.0.0.1:${port}`, transport: "t1" });
    expect(result.code, result.errors || result.output).toBe(0);
  });

  it("outside sources that may authenticate share maxConnections; the allow-listed PBX is not counted there", async () => {
    ua = await startUa({
      allow: ["127.0.0.1/32"],
      credentials: [{ username: "remote", password: "secret" }],
      tcp: { maxConnections: 50 },
    });
    ua.onInvite(async (call) => {
      await call.accept(buildAnswer(call.media, { address: "127.0.0.1", port: 40_000 }));
    });
    const port = ua.local.port;
    const conns = await Promise.all(Array.from({ length: 120 }, (_, i) => openIdle(port, `127.0.1.${1 + (i % 40)}`)));
    const closed = await Promise.all(conns.map((c) => closedWithin(c, 300)));
    expect(closed.filter((c) => !c)).toHaveLength(50);
    const result = await runSipp({ scenario: "uac-call-bye.xml", target: `127.0.0.1:${port}`, transport: "t1" });
    expect(result.code, result.errors || result.output).toBe(0);
  });
});
