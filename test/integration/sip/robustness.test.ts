import { randomBytes } from "node:crypto";
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { buildAnswer, SipError, type SipPort } from "../../../src/sip/index.js";
import type { SipMessage } from "../../../src/sip/embedded/message.js";
import { fuzzRandom } from "../../helpers/seeded-random.js";
import { G711_OFFER, RawPeer, rawRequest, startUa } from "./helpers.js";

/** Hand-written SIP from a bare UDP/TCP peer: malformed input, floods, lost ACKs, IPv6 sources. */

let ua: SipPort | null = null;
let peers: RawPeer[] = [];
afterEach(async () => {
  await ua?.close();
  ua = null;
  await Promise.all(peers.map((p) => p.close()));
  peers = [];
});

async function peer(host = "127.0.0.1"): Promise<RawPeer> {
  const p = await RawPeer.open(host);
  peers.push(p);
  return p;
}

/** Sends OPTIONS, retransmitting like a UA would (a flood may have filled the socket buffer), and returns the status. */
async function options(p: RawPeer, port: number, host = "127.0.0.1"): Promise<number> {
  const callId = `opt-${randomBytes(4).toString("hex")}`;
  const request = rawRequest({
    method: "OPTIONS",
    uri: `sip:agent@${host.includes(":") ? `[${host}]` : host}:${port}`,
    peerPort: p.port,
    host,
    callId,
  });
  const isAnswer = (m: SipMessage) =>
    m.kind === "response" && m.headers.some((h) => h.name === "call-id" && h.value === callId);
  for (let attempt = 0; attempt < 5; attempt++) {
    await p.send(request, port, host);
    const res = await p.waitFor(isAnswer, 500).catch(() => null);
    if (res?.kind === "response") return res.status;
  }
  return 0;
}

describe("embedded UA under hostile or broken input", () => {
  it("drops malformed datagrams and keeps answering", async (ctx) => {
    const random = fuzzRandom(ctx.task.name, "test/integration/sip/robustness.test.ts");
    ua = await startUa({ rateLimit: { perSecond: 0, burst: 1 } }); // this test floods on purpose
    const p = await peer();
    const port = ua.local.port;
    const valid = rawRequest({ method: "OPTIONS", uri: `sip:agent@127.0.0.1:${port}`, peerPort: p.port });
    const garbage: (string | Buffer)[] = [
      random.bytes(1),
      random.bytes(300),
      random.bytes(1400),
      Buffer.alloc(60_000, 0x41),
      "\r\n\r\n",
      "INVITE\r\n\r\n",
      "SIP/2.0 200\r\n\r\n",
      valid.slice(0, valid.length / 2), // truncated inside the head
      valid.replace("Content-Length: 0", "Content-Length: 500"), // body shorter than announced
      valid.replace("Content-Length: 0", "Content-Length: -1"),
      valid.replace("Content-Length: 0", "Content-Length: 0\r\nContent-Length: 7"),
      valid.replace("Call-ID:", "Call-ID: x\rInjected: yes\r\nX-Call-ID:"), // bare CR (header smuggling)
      valid.replace("CSeq: 1 OPTIONS", "CSeq: banana"),
      valid.replace(/^Via:.*\r\n/m, ""), // no Via: cannot even answer
      valid.replace("OPTIONS sip:", "OPTIONS  sip:"),
      Buffer.concat([Buffer.from(valid.slice(0, 40)), Buffer.from([0, 0xff, 0xfe]), Buffer.from(valid.slice(40))]),
    ];
    for (let i = 0; i < 200; i++) garbage.push(random.bytes(1 + random.int(2000)));
    for (const g of garbage) await p.send(g, port);
    expect(await options(p, port)).toBe(200);
    // Nothing but the final OPTIONS was answered (once per copy of it that got through).
    expect(p.received.every((m) => m.kind === "response" && m.status === 200)).toBe(true);
  });

  it("drops a TCP stream that sends garbage, keeps the listener", async () => {
    ua = await startUa();
    const port = ua.local.port;
    const closed = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(`${"X".repeat(20_000)}\r\n\r\n`));
      socket.on("close", () => resolve(true));
      socket.on("error", () => {});
      setTimeout(() => resolve(false), 3000).unref();
    });
    expect(closed).toBe(true);
    expect(await options(await peer(), port)).toBe(200);
  });

  it("answers a folded, compact-form request", async () => {
    ua = await startUa();
    const p = await peer();
    const port = ua.local.port;
    const text = [
      `OPTIONS sip:agent@127.0.0.1:${port} SIP/2.0`,
      `v: SIP/2.0/UDP 127.0.0.1:${p.port}`,
      ` ;branch=z9hG4bKfolded1;rport`,
      "f: <sip:raw@127.0.0.1>;tag=a",
      `t: <sip:agent@127.0.0.1:${port}>`,
      "i: folded-call",
      "CSeq: 7 OPTIONS",
      "l: 0",
      "",
      "",
    ].join("\r\n");
    await p.send(text, port);
    const res = await p.waitFor((m) => m.kind === "response");
    expect(res.kind === "response" && res.status).toBe(200);
  });

  it("rate-limits a flooding source by dropping (no 503 reflection)", async () => {
    ua = await startUa({ rateLimit: { perSecond: 5, burst: 5 } });
    const p = await peer();
    for (let i = 0; i < 40; i++) {
      await p.send(
        rawRequest({ method: "OPTIONS", uri: `sip:agent@127.0.0.1:${ua.local.port}`, peerPort: p.port }),
        ua.local.port,
      );
    }
    await new Promise((r) => setTimeout(r, 300));
    const answered = p.received.length;
    expect(answered).toBeGreaterThanOrEqual(5);
    expect(answered).toBeLessThanOrEqual(8);
    expect(p.received.every((m) => m.kind === "response" && m.status === 200)).toBe(true);
  });

  it("applies the allow list to IPv6 sources", async () => {
    ua = await startUa({ listen: { host: "::1", port: 0 }, allow: ["::1/128"] });
    expect(await options(await peer("::1"), ua.local.port, "::1")).toBe(200);
    await ua.close();
    ua = await startUa({ listen: { host: "::1", port: 0 }, allow: ["2001:db8::/32"] });
    expect(await options(await peer("::1"), ua.local.port, "::1")).toBe(403);
  });

  it("answers a retransmitted INVITE from the transaction, without a second call", async () => {
    ua = await startUa();
    let calls = 0;
    ua.onInvite(async (call) => {
      calls += 1;
      await call.ringing();
    });
    const p = await peer();
    const invite = rawRequest({
      method: "INVITE",
      uri: `sip:agent@127.0.0.1:${ua.local.port}`,
      peerPort: p.port,
      branch: "z9hG4bKretrans1",
      body: G711_OFFER,
    });
    await p.send(invite, ua.local.port);
    await p.waitFor((m) => m.kind === "response" && m.status === 180);
    const before = p.received.length;
    await p.send(invite, ua.local.port);
    await new Promise((r) => setTimeout(r, 200));
    expect(calls).toBe(1);
    // The retransmission got the last provisional again.
    expect(p.received.slice(before).map((m) => (m.kind === "response" ? m.status : 0))).toEqual([180]);
  });

  it("retransmits 200 OK until the ACK, then gives up with SipError 408 and a BYE", async () => {
    ua = await startUa({ timers: { t1Ms: 20, t2Ms: 80, t4Ms: 100 } });
    const p = await peer();
    const outcome = new Promise<unknown>((resolve) => {
      ua!.onInvite(async (call) => {
        resolve(
          await call.accept(buildAnswer(call.media, { address: "127.0.0.1", port: 40_000 })).then(
            () => "acked",
            (e: unknown) => e,
          ),
        );
      });
    });
    await p.send(
      rawRequest({ method: "INVITE", uri: `sip:agent@127.0.0.1:${ua.local.port}`, peerPort: p.port, body: G711_OFFER }),
      ua.local.port,
    );
    const error = await outcome;
    expect(error).toBeInstanceOf(SipError);
    expect((error as SipError).sipStatus).toBe(408);
    const oks = p.received.filter((m) => m.kind === "response" && m.status === 200);
    expect(oks.length).toBeGreaterThanOrEqual(5); // 64*T1 of doubling intervals capped at T2
    await p.waitFor((m) => m.kind === "request" && m.method === "BYE");
  });

  it("stops retransmitting a final error once its ACK arrives", async () => {
    ua = await startUa({ timers: { t1Ms: 30, t2Ms: 120, t4Ms: 100 } });
    const p = await peer();
    const g729 = G711_OFFER.replace("RTP/AVP 0 8 101", "RTP/AVP 18").replace(/a=rtpmap.*\r\n/g, "");
    const branch = "z9hG4bKack488";
    await p.send(
      rawRequest({
        method: "INVITE",
        uri: `sip:agent@127.0.0.1:${ua.local.port}`,
        peerPort: p.port,
        branch,
        callId: "c488",
        body: g729,
      }),
      ua.local.port,
    );
    const first = await p.waitFor((m) => m.kind === "response" && m.status === 488);
    const toTag = /tag=([^;\s]+)/.exec(first.headers.find((h) => h.name === "to")?.value ?? "")?.[1];
    await p.send(
      rawRequest({
        method: "ACK",
        uri: `sip:agent@127.0.0.1:${ua.local.port}`,
        peerPort: p.port,
        branch,
        callId: "c488",
        toTag,
      }),
      ua.local.port,
    );
    await new Promise((r) => setTimeout(r, 50));
    const count = p.received.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(p.received.length).toBe(count);
    // Control: without the ACK, timer G keeps re-sending the 488.
    await p.send(
      rawRequest({
        method: "INVITE",
        uri: `sip:agent@127.0.0.1:${ua.local.port}`,
        peerPort: p.port,
        callId: "c488b",
        body: g729,
      }),
      ua.local.port,
    );
    await new Promise((r) => setTimeout(r, 500));
    const unacked = p.received.filter(
      (m) => m.kind === "response" && m.status === 488 && m.headers.some((h) => h.value === "c488b"),
    );
    expect(unacked.length).toBeGreaterThanOrEqual(3);
  });
});
