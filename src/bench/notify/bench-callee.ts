import { createSocket, type Socket } from "node:dgram";
import { encodeMulaw } from "../../audio/index.js";
import { sipSection } from "../../config/sections/sip.js";
import { silentLogger } from "../../lib/logger.js";
import { serializeRtp } from "../../rtp/packet.js";
import { buildAnswer, createSipPort, type InboundCall, type SipPort } from "../../sip/index.js";

/** What the callee saw of one call. */
export interface CalleeCall {
  user: string;
  invitedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
}

/**
 * The far end for `parley bench notify`, in process: a SIP UA on 127.0.0.1
 * that answers by the dialled user: `busy-*` gets 486 (pacing: every INVITE
 * timestamped on arrival), `hold-*` is answered and sends G.711 silence like
 * a phone, hanging up itself after `holdMs` when set (the live call) or
 * waiting for our BYE (the notification).
 */
export class BenchCallee {
  readonly calls: CalleeCall[] = [];
  /** Hang up answered calls after this long; null: wait for the other side's BYE. */
  holdMs: number | null = null;
  /** What the person says back (8 kHz PCM16), `atMs` after answering; null: they only listen. */
  reply: { pcm: Int16Array; atMs: number } | null = null;
  private waiters: ((c: CalleeCall) => void)[] = [];

  private constructor(private readonly sip: SipPort) {}

  static async start(): Promise<BenchCallee> {
    const sip = await createSipPort(
      sipSection.parse({ listen: { host: "127.0.0.1", port: 0 }, rateLimit: { perSecond: 0 } }),
      { logger: silentLogger() },
    );
    const callee = new BenchCallee(sip);
    sip.onInvite((call) => callee.answer(call));
    return callee;
  }

  uri(user: string): string {
    return `sip:${user}@127.0.0.1:${this.sip.local.port}`;
  }

  /** Resolves when the next answered call ends. */
  nextEnded(): Promise<CalleeCall> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): Promise<void> {
    return this.sip.close();
  }

  private async answer(call: InboundCall): Promise<void> {
    const record: CalleeCall = {
      user: call.to.user ?? "",
      invitedAt: performance.now(),
      answeredAt: null,
      endedAt: null,
    };
    this.calls.push(record);
    if (record.user.startsWith("busy")) return call.reject(486, "Busy Here");
    const socket = createSocket("udp4");
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
    await call.accept(buildAnswer(call.media, { address: "127.0.0.1", port: socket.address().port }));
    record.answeredAt = performance.now();
    const stop = sendAudio(
      socket,
      call.media.remote.address,
      call.media.remote.port,
      call.media.codec.payloadType,
      this.reply,
    );
    const hold = this.holdMs !== null ? setTimeout(() => void call.hangup(), this.holdMs) : null;
    await new Promise<void>((resolve) =>
      call.signal.aborted ? resolve() : call.signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    record.endedAt = performance.now();
    if (hold) clearTimeout(hold);
    stop();
    socket.close();
    this.waiters.shift()?.(record);
  }
}

/**
 * 20 ms packets on an absolute timeline, as a phone sends: silence while its
 * user listens, and the reply (if any) from its time on.
 */
function sendAudio(
  socket: Socket,
  host: string,
  port: number,
  payloadType: number,
  reply: BenchCallee["reply"],
): () => void {
  const silence = encodeMulaw(new Int16Array(160));
  const replyFrom = reply ? Math.round(reply.atMs / 20) : Infinity;
  const t0 = performance.now();
  let n = 0;
  let timer: NodeJS.Timeout;
  const tick = () => {
    const k = n - replyFrom;
    const payload =
      reply && k >= 0 && k * 160 < reply.pcm.length
        ? encodeMulaw(padded(reply.pcm.subarray(k * 160, k * 160 + 160)))
        : silence;
    socket.send(
      serializeRtp({ payloadType, sequence: n & 0xffff, timestamp: (n * 160) >>> 0, ssrc: 0xca11ee, payload }),
      port,
      host,
    );
    n++;
    timer = setTimeout(tick, Math.max(0, t0 + n * 20 - performance.now()));
  };
  tick();
  return () => clearTimeout(timer);
}

function padded(frame: Int16Array): Int16Array {
  if (frame.length === 160) return frame;
  const out = new Int16Array(160);
  out.set(frame);
  return out;
}
