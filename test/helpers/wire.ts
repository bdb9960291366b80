import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { decodeMulaw } from "../../src/audio/index.js";

/**
 * What reaches a SIPp caller on the wire: tcpdump on loopback, filtered to
 * the caller's media port, then RTP parsed and G.711 decoded here.
 */
export const tcpdumpMissing: string | false = (() => {
  if (process.getuid?.() !== 0) return "capturing packets needs root (CI runs as root)";
  try {
    execFileSync("tcpdump", ["--version"], { stdio: "ignore" });
    return false;
  } catch {
    return "tcpdump is not installed (apt-get install tcpdump)";
  }
})();

export class Capture {
  private constructor(private readonly child: ChildProcess, readonly file: string) {}

  /** Starts capturing UDP to `port` on loopback; resolves once tcpdump is listening. */
  static async start(port: number, file: string): Promise<Capture> {
    const child = spawn("tcpdump", ["-i", "lo", "-U", "-n", "-w", file, "udp", "and", "dst", "port", String(port)], { stdio: ["ignore", "ignore", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("tcpdump did not start")), 10_000);
      child.stderr!.on("data", (d: Buffer) => {
        if (d.toString().includes("listening on")) {
          clearTimeout(t);
          resolve();
        }
      });
      child.once("exit", (code) => reject(new Error(`tcpdump exited (${code})`)));
    });
    return new Capture(child, file);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.kill("SIGINT");
    await exited;
  }
}

export interface RtpSeen {
  payloadType: number;
  payload: Buffer;
}

/** UDP payloads of a classic pcap (Ethernet or Linux cooked / loopback link types), parsed as RTP. */
export function rtpPackets(file: string): RtpSeen[] {
  const buf = readFileSync(file);
  if (buf.length < 24) return [];
  const le = buf.readUInt32LE(0) === 0xa1b2c3d4;
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const link = u32(20);
  const l2 = link === 1 ? 14 : link === 113 ? 16 : link === 276 ? 20 : 14;
  const out: RtpSeen[] = [];
  for (let off = 24; off + 16 <= buf.length; ) {
    const incl = u32(off + 8);
    const pkt = buf.subarray(off + 16, off + 16 + incl);
    off += 16 + incl;
    const ip = pkt.subarray(l2);
    if (ip.length < 20 || ip[0]! >> 4 !== 4) continue;
    const ihl = (ip[0]! & 0x0f) * 4;
    const udp = ip.subarray(ihl);
    const rtp = udp.subarray(8);
    if (rtp.length < 12 || rtp[0]! >> 6 !== 2) continue;
    out.push({ payloadType: rtp[1]! & 0x7f, payload: rtp.subarray(12 + (rtp[0]! & 0x0f) * 4) });
  }
  return out;
}

/** The PCMU audio in the packets, decoded, in arrival order. */
export function pcmuAudio(packets: RtpSeen[]): Int16Array {
  const parts = packets.filter((p) => p.payloadType === 0).map((p) => decodeMulaw(new Uint8Array(p.payload)));
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
