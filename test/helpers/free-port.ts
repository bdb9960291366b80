import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/*
 * Ports for SIPp and other test peers that must be named up front.
 *
 * They are drawn at random below Linux's ephemeral range (32768+), because
 * everything that binds port 0 (Parley's RTP sockets, our own UAs, fetch) is
 * handed ports from that range: a port picked there and released can be taken
 * by another test's RTP socket before SIPp binds it, and CI saw exactly that
 * ("Unable to bind video RTP socket ... Address already in use").
 */
const LOW = 20_000;
const HIGH = 32_000;

function udpFree(port: number, host: string): Promise<boolean> {
  const udp = createSocket("udp4");
  return new Promise((resolve) => {
    udp.once("error", () => resolve(false));
    udp.bind(port, host, () => udp.close(() => resolve(true)));
  });
}

function tcpFree(port: number, host: string): Promise<boolean> {
  const tcp = createServer();
  return new Promise((resolve) => {
    tcp.once("error", () => resolve(false));
    tcp.listen(port, host, () => tcp.close(() => resolve(true)));
  });
}

/** An even port whose `span` UDP ports from it are free now, the first also for TCP. */
async function freeSpan(host: string, span: number): Promise<number> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const base = LOW + 2 * Math.floor((Math.random() * (HIGH - LOW - span)) / 2);
    if (!(await tcpFree(base, host))) continue;
    let free = true;
    for (let p = base; p < base + span && free; p++) free = await udpFree(p, host);
    if (free) return base;
  }
  throw new Error(`no ${span} free port(s) in ${LOW}-${HIGH} on ${host}`);
}

/** A port free for both UDP and TCP on `host` right now (SIPp needs a fixed one for SIP). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return freeSpan(host, 1);
}

/** A base for SIPp's -mp: SIPp binds audio RTP/RTCP there and video RTP/RTCP on the next two, so all four must be free. */
export function freeMediaPort(host = "127.0.0.1"): Promise<number> {
  return freeSpan(host, 4);
}
