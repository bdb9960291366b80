import { type Socket, createSocket } from "node:dgram";
import { encodeMulaw, float32ToInt16, sine } from "../../../src/audio/index.js";
import { type RtpConfig, rtpSection } from "../../../src/config/sections/rtp.js";
import { type Frame } from "../../../src/audio/index.js";
import { parseRtp, serializeRtp } from "../../../src/rtp/packet.js";
import { RtpSession, type RtpSessionOptions } from "../../../src/rtp/session.js";
import type { RtpMedia } from "../../../src/rtp/types.js";

export const HOST = "127.0.0.1";

export function rtpConfig(overrides: Record<string, unknown> = {}): RtpConfig {
  return rtpSection.parse(overrides);
}

/**
 * A jitter buffer with room for the event-loop stalls of a loaded test
 * machine (both ends of these tests share one process, so a stall delays the
 * sender as well): for tests that compare received audio exactly.
 */
export const ROOMY = { jitterBuffer: { minMs: 80, initialMs: 150, maxMs: 400 } };

/** Opens a session on a free loopback port (port 0: the tests never fight over a range). */
export function openSession(o: Partial<RtpSessionOptions> = {}): Promise<RtpSession> {
  return RtpSession.open({ config: rtpConfig(), port: 0, ...o });
}

export function media(port: number, o: Partial<RtpMedia> = {}): RtpMedia {
  return { remoteAddress: HOST, remotePort: port, codec: "pcmu", telephoneEventPt: 101, ...o };
}

/** Two sessions talking to each other over loopback. */
export async function openPair(
  o: Partial<RtpMedia> = {},
  config: RtpConfig = rtpConfig(ROOMY),
): Promise<[RtpSession, RtpSession]> {
  const a = await openSession({ config });
  const b = await openSession({ config });
  a.start(media(b.localPort, o));
  b.start(media(a.localPort, o));
  return [a, b];
}

/** Reads frames from a session into an array until told to stop. */
export function collect(frames: AsyncIterable<Frame>): { frames: Frame[]; done: Promise<void> } {
  const out: Frame[] = [];
  const done = (async () => {
    for await (const f of frames) out.push(f);
  })();
  return { frames: out, done };
}

/** A 440 Hz tone as 8 kHz PCM16. */
export function tonePcm(ms: number, amplitude = 0.3, freq = 440): Int16Array {
  return float32ToInt16(sine(freq, { sampleRate: 8000, durationMs: ms, amplitude }));
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface Captured {
  sequence: number;
  timestamp: number;
  payloadType: number;
  marker: boolean;
  ssrc: number;
  payload: Uint8Array;
  fromPort: number;
  atMs: number;
}

/** A bare UDP socket standing in for a remote endpoint: captures what arrives, sends what it is told. */
export class RawPeer {
  readonly received: Captured[] = [];
  garbage = 0;
  private timer: ReturnType<typeof setInterval> | null = null;

  private constructor(
    readonly socket: Socket,
    readonly port: number,
  ) {
    socket.on("message", (buf, rinfo) => {
      const r = parseRtp(buf);
      if (!r.ok) {
        this.garbage++;
        return;
      }
      this.received.push({ ...r.packet, fromPort: rinfo.port, atMs: performance.now() });
    });
  }

  /** Binds on `host` (another loopback address, 127.0.0.2..., stands in for another machine). */
  static open(host = HOST): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = createSocket("udp4");
      s.once("error", reject);
      s.bind(0, host, () => resolve(new RawPeer(s, s.address().port)));
    });
  }

  send(bytes: Uint8Array, port: number): void {
    this.socket.send(bytes, port, HOST);
  }

  /**
   * Streams PCMU packets of `pcm` to `port` every 20 ms (setInterval: a
   * peer's pacing, not ours). Resolves when the audio has been sent.
   */
  stream(
    port: number,
    pcm: Int16Array,
    o: { ssrc?: number; seq?: number; ts?: number; pt?: number } = {},
  ): Promise<number> {
    const codes = encodeMulaw(pcm);
    const ssrc = o.ssrc ?? 0x1234;
    let seq = o.seq ?? 100;
    let ts = o.ts ?? 1000;
    let at = 0;
    let sent = 0;
    return new Promise((resolve) => {
      this.timer = setInterval(() => {
        if (at >= codes.length) {
          this.stopStream();
          resolve(sent);
          return;
        }
        const payload = codes.subarray(at, at + 160);
        this.send(
          serializeRtp({ payloadType: o.pt ?? 0, sequence: seq, timestamp: ts, ssrc, marker: sent === 0, payload }),
          port,
        );
        seq = (seq + 1) & 0xffff;
        ts = (ts + 160) >>> 0;
        at += 160;
        sent++;
      }, 20);
    });
  }

  stopStream(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  close(): Promise<void> {
    this.stopStream();
    return new Promise((r) => this.socket.close(() => r()));
  }
}

/** The first and last frame index whose level is above `dbfs`. */
export function activeSpan(frames: Frame[], isActive: (f: Frame) => boolean): [number, number] | null {
  let first = -1;
  let last = -1;
  frames.forEach((f, i) => {
    if (isActive(f)) {
      if (first < 0) first = i;
      last = i;
    }
  });
  return first < 0 ? null : [first, last];
}
