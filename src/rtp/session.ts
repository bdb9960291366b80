/**
 * One call's media: a UDP socket on a pool port, a pacer, and the send and
 * receive paths between them.
 *
 * Lifecycle: `open` binds the port (put it in the SDP), `start` gives the
 * negotiated media and begins the 20 ms heartbeat, `update` applies a
 * re-INVITE, `close` (or the `signal` given to open) ends it and returns the
 * final statistics. Caller audio comes out of `frames` (8 kHz, 20 ms);
 * agent audio goes in through `play`; `clearPlayback` is barge-in.
 *
 * @example
 * const rtp = await RtpSession.open({ config: config.rtp, pool, signal });
 * // ...answer with rtp.localPort in the SDP, then:
 * rtp.start({ remoteAddress, remotePort, codec: "pcmu", telephoneEventPt: 101 });
 * const reply = rtp.play(ttsStream, { signal: turn.signal });
 * for await (const frame of rtp.frames) vad.push(frame);
 */
import { randomInt } from "node:crypto";
import type { Socket } from "node:dgram";
import type { Frame } from "../audio/index.js";
import type { RtpConfig } from "../config/sections/rtp.js";
import { throwIfAborted } from "../lib/abort.js";
import { Channel } from "../lib/channel.js";
import { G711Decoder, payloadTypeForLaw } from "./codec.js";
import { type DtmfSendOptions, DtmfSender } from "./dtmf-sender.js";
import { dtmfEventCode } from "./dtmf.js";
import { RtpError } from "./errors.js";
import { Pacer, type PacerClient } from "./pacer.js";
import { type Playback, PlaybackQueue, type PlaybackSource } from "./playback-queue.js";
import type { PortPool } from "./port-pool.js";
import { RtpReceiver } from "./receiver.js";
import { RtpSender } from "./sender.js";
import { collectStats } from "./session-stats.js";
import { type TimerSource, realTimers } from "./timer-source.js";
import type { ItemStream, RtpMedia, RtpSessionEvent, RtpSessionStats } from "./types.js";
import { bindUdp } from "./udp.js";

/** Pacer lateness beyond which arrivals are taken as delayed by our own event loop. */
const LOCAL_STALL_MS = 5;

export interface RtpSessionOptions {
  /** The `rtp` config section: bind host, jitter buffer, idle silence, inbound queue. */
  config: RtpConfig;
  /** Where the port comes from; without one, `port` is bound directly (0: any free port; tests, benchmarks). */
  pool?: PortPool;
  port?: number;
  /** Clock and timers; the real ones unless told (tests pass a virtual clock). */
  timers?: TimerSource;
  /** Aborting it closes the session. */
  signal?: AbortSignal;
  /** Negotiated media, to start at once. */
  media?: RtpMedia;
  /** Sees each 20 ms of agent audio as it is sent (null: silence); the buffer is reused, copy what you keep. */
  onSentFrame?: (pcm: Int16Array | null) => void;
  /** Our SSRC and first sequence number and timestamp; random unless told (RFC 3550 asks for random). */
  ssrc?: number;
  initialSequence?: number;
  initialTimestamp?: number;
}

export class RtpSession implements PacerClient {
  readonly localAddress: string;
  readonly localPort: number;
  readonly ssrc: number;
  /** Caller audio: 20 ms frames of 8 kHz PCM16, continuous once media flows. One reader. */
  readonly frames: ItemStream<Frame>;
  /** DTMF, latching, SSRC changes, playback idle. One reader. */
  readonly events: ItemStream<RtpSessionEvent>;
  private readonly frameChannel: Channel<Frame>;
  private readonly eventChannel: Channel<RtpSessionEvent>;
  private readonly timers: TimerSource;
  private readonly pacer: Pacer;
  private readonly queue: PlaybackQueue;
  private readonly dtmfSender = new DtmfSender();
  private readonly receiver: RtpReceiver;
  private readonly sender: RtpSender;
  private media: Required<RtpMedia> | null = null;
  private closing: Promise<RtpSessionStats> | null = null;
  private socketErrors = 0;
  private readonly onAbort = () => void this.close();

  private constructor(
    private readonly socket: Socket,
    port: number,
    private readonly pool: PortPool | undefined,
    private readonly o: RtpSessionOptions,
  ) {
    const cfg = o.config;
    this.localAddress = cfg.bindHost;
    this.localPort = port;
    this.timers = o.timers ?? realTimers;
    this.ssrc = (o.ssrc ?? randomInt(0, 2 ** 32 - 1)) >>> 0;
    this.frameChannel = new Channel<Frame>(cfg.maxInboundFrames, true);
    this.eventChannel = new Channel<RtpSessionEvent>(256, true);
    this.frames = this.frameChannel;
    this.events = this.eventChannel;
    this.queue = new PlaybackQueue({ sampleRate: 8000, onIdle: () => this.eventChannel.push({ type: "playback:idle", atMs: this.timers.now() }) });
    this.receiver = new RtpReceiver(this.frameChannel, this.eventChannel, {
      minDelayMs: cfg.jitterBuffer.minMs,
      initialDelayMs: cfg.jitterBuffer.initialMs,
      maxDelayMs: cfg.jitterBuffer.maxMs,
    }, new G711Decoder("pcmu"), { latchAnySource: cfg.latchAnySource });
    this.sender = new RtpSender(
      socket, this.receiver.latch, this.queue, this.dtmfSender, this.ssrc,
      o.initialSequence ?? randomInt(0, 0x10000), o.initialTimestamp ?? randomInt(0, 2 ** 32 - 1), cfg.sendSilenceWhenIdle,
    );
    if (o.onSentFrame) this.sender.onSent = o.onSentFrame;
    this.pacer = new Pacer(this, { timers: this.timers });
    // The only per-datagram closure: Node hands us (buffer, rinfo); everything after it is allocation-free.
    socket.on("message", (buf, rinfo) => this.receiver.onDatagram(buf, rinfo.address, rinfo.port, this.timers.now()));
    socket.on("error", () => this.socketErrors++);
    o.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Binds a port (from the pool, else `port`) and returns a session ready for `start`. */
  static async open(o: RtpSessionOptions): Promise<RtpSession> {
    throwIfAborted(o.signal);
    const host = o.config.bindHost;
    const { port, socket } = o.pool
      ? await o.pool.acquire((p) => bindUdp(host, p)).then((r) => ({ port: r.port, socket: r.value }))
      : await bindUdp(host, o.port ?? 0).then((s) => ({ port: s.address().port, socket: s }));
    const session = new RtpSession(socket, port, o.pool, o);
    if (o.signal?.aborted) {
      // Aborted while binding: the listener came too late to see it.
      await session.close();
      throwIfAborted(o.signal);
    }
    if (o.media) session.start(o.media);
    return session;
  }

  /** Applies negotiated media and starts the heartbeat (sending and playout). */
  start(media: RtpMedia): void {
    this.assertOpen();
    this.apply(media);
    this.pacer.start();
  }

  /** Applies a renegotiation (re-INVITE): new remote, codec, DTMF type or direction. */
  update(media: Partial<RtpMedia>): void {
    this.assertOpen();
    if (this.media === null) throw new RtpError("rtp_not_started", "update() before start()");
    this.apply({ ...this.media, ...media });
  }

  /** Queues agent audio (8 kHz PCM16, whole or streamed); returns a handle reporting what was actually sent. */
  play(source: PlaybackSource, options: { signal?: AbortSignal } = {}): Playback {
    this.assertOpen();
    return this.queue.enqueue(source, options.signal);
  }

  /** Barge-in: drops all queued agent audio now; the next packet is silence. Returns the number of items dropped. */
  clearPlayback(): number {
    return this.queue.clear("cleared");
  }

  /** Sees each 20 ms of agent audio as it is sent (null: silence): the call recorder. The buffer is reused. */
  set onSentFrame(fn: ((pcm: Int16Array | null) => void) | null) {
    this.sender.onSent = fn;
  }

  /** True while agent audio is queued or playing. */
  get playing(): boolean {
    return this.queue.playing;
  }

  /** Resolves when no agent audio is queued. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** Sends keys as RFC 4733 events, one after another; resolves true once all are sent, false if the session closed first. */
  async sendDtmf(digits: string, options: DtmfSendOptions = {}): Promise<boolean> {
    this.assertOpen();
    if (this.sender.eventPt < 0) throw new RtpError("rtp_dtmf_unavailable", "the remote did not negotiate telephone-event", { status: 409 });
    if (digits.length === 0) return true;
    for (const d of digits) dtmfEventCode(d); // all keys valid before any is queued
    const sends = [...digits].map((d) => this.dtmfSender.enqueue(d, options));
    const sent = await Promise.all(sends);
    return sent.every(Boolean);
  }

  /**
   * Pacer tick: one packet out now; due frames in just after. Playout runs in
   * the check phase (setImmediate), after libuv's poll phase has read every
   * datagram already waiting, so a packet that arrived while this tick was
   * due is played rather than concealed and then dropped as late.
   */
  onTick(_nowMs: number, latenessMs: number): void {
    this.sender.tick();
    // A late tick means our own event loop was blocked: what the poll phase reads now was delayed by us, not the network.
    if (latenessMs > LOCAL_STALL_MS) this.receiver.jitter.localStall = true;
    setImmediate(this.drainNow);
  }

  private readonly drainNow = () => {
    if (this.closing === null) this.receiver.drain(this.timers.now());
  };

  get closed(): boolean {
    return this.closing !== null;
  }

  stats(): RtpSessionStats {
    return collectStats({
      localAddress: this.localAddress, localPort: this.localPort, media: this.media, receiver: this.receiver, sender: this.sender,
      pacer: this.pacer, queue: this.queue, dtmfOut: this.dtmfSender.sent, socketErrors: this.socketErrors,
      inboundFramesDropped: this.frameChannel.dropped, eventsDropped: this.eventChannel.dropped,
    });
  }

  /** How long caller audio waits in the jitter buffer before it is handed on (its current target delay). */
  get inputDelayMs(): number {
    return this.receiver.jitter.targetDelayMs;
  }

  /** The pacer, for timing figures (benchmarks, diagnostics). */
  get timing(): Pick<Pacer, "lateness" | "intervals" | "resetTiming" | "ticks" | "reanchors"> {
    return this.pacer;
  }

  /** Stops media, drops queued audio and keys, closes the streams, frees the port; returns the final statistics. */
  close(): Promise<RtpSessionStats> {
    if (this.closing) return this.closing;
    this.pacer.stop();
    this.o.signal?.removeEventListener("abort", this.onAbort);
    this.queue.clear("closed");
    this.dtmfSender.cancelAll();
    const stats = this.stats();
    this.frameChannel.close();
    this.eventChannel.close();
    this.closing = new Promise<RtpSessionStats>((resolve) => {
      this.socket.close(() => {
        this.pool?.release(this.localPort);
        resolve(stats);
      });
    });
    return this.closing;
  }

  private apply(media: RtpMedia): void {
    const full: Required<RtpMedia> = {
      remoteAddress: media.remoteAddress,
      remotePort: media.remotePort,
      codec: media.codec,
      payloadType: media.payloadType ?? payloadTypeForLaw(media.codec),
      telephoneEventPt: media.telephoneEventPt ?? null,
      direction: media.direction ?? "sendrecv",
    };
    const prev = this.media;
    const eventPt = full.telephoneEventPt ?? -1;
    if (!(Number.isInteger(full.remotePort) && full.remotePort >= 0 && full.remotePort <= 65535)) throw new RtpError("rtp_media_invalid", `bad remote port ${full.remotePort}`, { status: 400 });
    if (!isPayloadType(full.payloadType) || (eventPt !== -1 && (!isPayloadType(eventPt) || eventPt === full.payloadType))) {
      throw new RtpError("rtp_media_invalid", `bad payload types: audio ${full.payloadType}, telephone-event ${full.telephoneEventPt}`, { status: 400 });
    }
    if (prev === null || prev.remoteAddress !== full.remoteAddress || prev.remotePort !== full.remotePort) {
      this.receiver.latch.setRemote(full.remoteAddress, full.remotePort);
    }
    if (prev === null || prev.codec !== full.codec) this.receiver.jitter.setDecoder(new G711Decoder(full.codec));
    this.receiver.audioPt = full.payloadType;
    this.receiver.eventPt = eventPt;
    this.sender.setCodec(full.codec, full.payloadType, eventPt);
    if (eventPt < 0) this.dtmfSender.cancelAll(); // keys queued for a type the remote no longer takes
    this.sender.sending = full.direction === "sendrecv" || full.direction === "sendonly";
    this.receiver.receiving = full.direction === "sendrecv" || full.direction === "recvonly";
    this.media = full;
  }

  private assertOpen(): void {
    if (this.closing) throw new RtpError("rtp_closed", "the RTP session is closed", { status: 409 });
  }
}

function isPayloadType(pt: number): boolean {
  return Number.isInteger(pt) && pt >= 0 && pt <= 127;
}
