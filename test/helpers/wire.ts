import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { decodeMulaw } from "../../src/audio/index.js";
import { readPcapUdp } from "../../src/bench/wire/pcap.js";
import { concatPcm } from "./audio.js";

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
  private constructor(
    private readonly child: ChildProcess,
    readonly file: string,
  ) {}

  /** Starts capturing UDP to `port` (or from it) on loopback; resolves once tcpdump is listening. */
  static async start(port: number, file: string, direction: "dst" | "src" = "dst"): Promise<Capture> {
    const child = spawn(
      "tcpdump",
      ["-i", "lo", "-U", "-n", "-w", file, "udp", "and", direction, "port", String(port)],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
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

/** The RTP packets in a capture (see src/bench/wire/pcap.ts for the link types read), in capture order. */
export function rtpPackets(file: string): RtpSeen[] {
  const out: RtpSeen[] = [];
  for (const d of readPcapUdp(file)) {
    const rtp = d.payload;
    if (rtp.length < 12 || rtp[0]! >> 6 !== 2) continue;
    out.push({ payloadType: rtp[1]! & 0x7f, payload: rtp.subarray(12 + (rtp[0]! & 0x0f) * 4) });
  }
  return out;
}

/** The PCMU audio in the packets, decoded, in arrival order. */
export function pcmuAudio(packets: RtpSeen[]): Int16Array {
  return concatPcm(...packets.filter((p) => p.payloadType === 0).map((p) => decodeMulaw(new Uint8Array(p.payload))));
}
