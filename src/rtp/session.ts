/**
 * One call's media, as the main thread holds it. The session itself (its
 * UDP socket, the 20 ms pacer, sender, receiver and jitter buffer, DTMF both
 * ways and the agent audio about to be sent) lives in a media worker thread,
 * where no event-loop stall on the main thread (inference callbacks, SQLite,
 * HTTP, GC) can delay a packet. This handle keeps the same API either way.
 *
 * Lifecycle: `open` binds the port (put it in the SDP), `start` gives the
 * negotiated media and begins the 20 ms heartbeat, `update` applies a
 * re-INVITE, `close` (or the `signal` given to open) ends it and returns the
 * final statistics. Caller audio comes out of `frames` (8 kHz, 20 ms);
 * agent audio goes in through `play`; `clearPlayback` is barge-in.
 *
 * If the media worker dies, the session fails loudly: `frames` and `events`
 * reject with an RtpError (rtp_media_worker_crashed), playbacks end as
 * "failed", and further calls throw.
 *
 * @example
 * const rtp = await RtpSession.open({ config: config.rtp, pool, signal });
 * // ...answer with rtp.localPort in the SDP, then:
 * rtp.start({ remoteAddress, remotePort, codec: "pcmu", telephoneEventPt: 101 });
 * const reply = rtp.play(ttsStream, { signal: turn.signal });
 * for await (const frame of rtp.frames) vad.push(frame);
 */
import { randomInt } from "node:crypto";
import type { Frame } from "../audio/index.js";
import type { RtpConfig } from "../config/sections/rtp.js";
import { throwIfAborted } from "../lib/abort.js";
import { Channel } from "../lib/channel.js";
import type { Logger } from "../lib/logger.js";
import { payloadTypeForLaw } from "./codec.js";
import { type DtmfSendOptions, dtmfOptions } from "./dtmf-sender.js";
import { dtmfEventCode } from "./dtmf.js";
import { RtpError } from "./errors.js";
import type { MsHistogram } from "./histogram.js";
import { mediaPool } from "./media/media-pool.js";
import type { MediaWorker, SessionPort } from "./media/media-worker.js";
import type { SessionUpdate } from "./media/protocol.js";
import { type Playback, PlaybackQueue, type PlaybackSource } from "./playback-queue.js";
import type { PortPool } from "./port-pool.js";
import { type SessionFigures, readSessionStats, sessionFigures } from "./session-stats.js";
import type { ItemStream, RtpMedia, RtpSessionEvent, RtpSessionStats } from "./types.js";

const FRAME = 160;

export interface RtpSessionOptions {
  /** The `rtp` config section: bind host, jitter buffer, idle silence, inbound queue, media threads. */
  config: RtpConfig;
  /** Where the port comes from; without one, `port` is bound directly (0: any free port; tests, benchmarks). */
  pool?: PortPool;
  port?: number;
  /** Aborting it closes the session. */
  signal?: AbortSignal;
  /** Negotiated media, to start at once. */
  media?: RtpMedia;
  /** Sees each 20 ms of agent audio as it is sent (null: silence); the buffer is reused, copy what you keep. */
  onSentFrame?: (pcm: Int16Array | null) => void;
  /** Where the media thread says, when it starts, what scheduling it got. */
  logger?: Logger;
  /** Our SSRC and first sequence number and timestamp; random unless told (RFC 3550 asks for random). */
  ssrc?: number;
  initialSequence?: number;
  initialTimestamp?: number;
}

/** The send clock's figures (benchmarks, diagnostics); the histograms are live views of the worker's. */
export interface RtpTiming {
  readonly lateness: MsHistogram;
  readonly intervals: MsHistogram;
  readonly ticks: number;
  readonly stalls: number;
  readonly skippedFrames: number;
  /** Clears the lateness and interval figures (a benchmark's warm-up); counters keep running. */
  resetTiming(): void;
}

export class RtpSession implements SessionPort {
  readonly localAddress: string;
  readonly ssrc: number;
  /** Caller audio: 20 ms frames of 8 kHz PCM16, continuous once media flows. One reader. */
  readonly frames: ItemStream<Frame>;
  /** DTMF, latching, SSRC changes, playback idle. One reader. */
  readonly events: ItemStream<RtpSessionEvent>;
  private readonly frameChannel: Channel<Frame>;
  private readonly eventChannel: Channel<RtpSessionEvent>;
  private readonly queue: PlaybackQueue;
  private media: Required<RtpMedia> | null = null;
  private latched: { address: string; port: number; ssrc: number } | null = null;
  private sentTap: ((pcm: Int16Array | null) => void) | null = null;
  private readonly dtmfRequests = new Map<number, (sent: boolean) => void>();
  private nextDtmf = 1;
  private closing: Promise<RtpSessionStats> | null = null;
  private resolveClosed: (() => void) | null = null;
  private failure: Error | null = null;
  private framesIn = 0;
  private readonly onAbort = () => void this.close();

  private constructor(
    private readonly worker: MediaWorker,
    private readonly sid: number,
    readonly localPort: number,
    private readonly figures: SessionFigures,
    private readonly pool: PortPool | undefined,
    private readonly o: RtpSessionOptions,
    ssrc: number,
  ) {
    const cfg = o.config;
    this.localAddress = cfg.bindHost;
    this.ssrc = ssrc;
    this.frameChannel = new Channel<Frame>(cfg.maxInboundFrames, true);
    this.eventChannel = new Channel<RtpSessionEvent>(256, true);
    this.frames = this.frameChannel;
    this.events = this.eventChannel;
    const post = worker.post.bind(worker);
    this.queue = new PlaybackQueue(
      {
        enqueue: (id, pcm, end) => post({ t: "enqueue", sid, id, pcm, end }, pcm ? [pcm.buffer as ArrayBuffer] : []),
        push: (id, pcm) => post({ t: "push", sid, id, pcm }, [pcm.buffer as ArrayBuffer]),
        end: (id, failed) => post({ t: "end", sid, id, failed }),
        cancel: (id) => post({ t: "cancel", sid, id }),
        clear: () => post({ t: "clear", sid }),
      },
      { sampleRate: 8000, onIdle: (atMs) => this.eventChannel.push({ type: "playback:idle", atMs }) },
    );
    if (o.onSentFrame) this.onSentFrame = o.onSentFrame;
    o.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  /** Binds a port (from the pool, else `port`) in a media thread and returns a session ready for `start`. */
  static async open(o: RtpSessionOptions): Promise<RtpSession> {
    throwIfAborted(o.signal);
    const cfg = o.config;
    const worker = mediaPool.acquire({
      threads: cfg.mediaThreads,
      priority: cfg.mediaThreadPriority,
      ...(o.logger ? { logger: o.logger } : {}),
    });
    try {
      await worker.ready;
    } catch (err) {
      mediaPool.released(worker);
      throw err;
    }
    const sid = worker.newSessionId();
    const figures = sessionFigures();
    const ssrc = (o.ssrc ?? randomInt(0, 2 ** 32 - 1)) >>> 0;
    let session: RtpSession | null = null;
    // Deliveries before the constructor has run cannot happen: nothing flows until start().
    const port: SessionPort = {
      deliverFrames: (frames, offset, count) => session?.deliverFrames(frames, offset, count),
      deliverProgress: (item, played) => session?.deliverProgress(item, played),
      deliver: (u) => session?.deliver(u),
      closedByWorker: (u) => session?.closedByWorker(u),
      fail: (err) => session?.fail(err),
    };
    const bind = (p: number) =>
      worker.bind(
        {
          sid,
          host: cfg.bindHost,
          port: p,
          figures: figures.buffer,
          ssrc,
          initialSequence: o.initialSequence ?? randomInt(0, 0x10000),
          initialTimestamp: o.initialTimestamp ?? randomInt(0, 2 ** 32 - 1),
          jitter: {
            minDelayMs: cfg.jitterBuffer.minMs,
            initialDelayMs: cfg.jitterBuffer.initialMs,
            maxDelayMs: cfg.jitterBuffer.maxMs,
          },
          sendSilenceWhenIdle: cfg.sendSilenceWhenIdle,
          latchAnySource: cfg.latchAnySource,
        },
        port,
      );
    let localPort: number;
    try {
      localPort = o.pool ? (await o.pool.acquire(bind)).port : await bind(o.port ?? 0);
    } catch (err) {
      mediaPool.released(worker);
      throw err;
    }
    session = new RtpSession(worker, sid, localPort, figures, o.pool, o, ssrc);
    if (worker.failure) session.fail(worker.failure); // it died between the bind and now
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
    this.apply(media, true);
  }

  /** Applies a renegotiation (re-INVITE): new remote, codec, DTMF type or direction. */
  update(media: Partial<RtpMedia>): void {
    this.assertOpen();
    if (this.media === null) throw new RtpError("rtp_not_started", "update() before start()");
    this.apply({ ...this.media, ...media }, false);
  }

  /** Queues agent audio (8 kHz PCM16, whole or streamed); returns a handle reporting what was actually sent. */
  play(source: PlaybackSource, options: { signal?: AbortSignal } = {}): Playback {
    this.assertOpen();
    return this.queue.enqueue(source, options.signal);
  }

  /** Barge-in: drops all queued agent audio now; the next packet is silence. Returns the number of items dropped. */
  clearPlayback(): number {
    if (this.closing) return 0;
    return this.queue.clear();
  }

  /** Sees each 20 ms of agent audio as it is sent (null: silence): the call recorder. The buffer is reused. */
  set onSentFrame(fn: ((pcm: Int16Array | null) => void) | null) {
    const was = this.sentTap !== null;
    this.sentTap = fn;
    if (was !== (fn !== null) && !this.closing) this.worker.post({ t: "tap", sid: this.sid, on: fn !== null });
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
    if ((this.media?.telephoneEventPt ?? null) === null)
      throw new RtpError("rtp_dtmf_unavailable", "the remote did not negotiate telephone-event", { status: 409 });
    if (digits.length === 0) return true;
    for (const d of digits) dtmfEventCode(d); // all keys valid before any is queued
    const { durationMs, volume } = dtmfOptions(options);
    const req = this.nextDtmf++;
    return new Promise<boolean>((resolve) => {
      this.dtmfRequests.set(req, resolve);
      this.worker.post({ t: "dtmf", sid: this.sid, req, digits, durationMs, volume });
    });
  }

  get closed(): boolean {
    return this.closing !== null;
  }

  /** Statistics as of the media worker's last tick (at most 20 ms old); `close()` returns the final ones. */
  stats(): RtpSessionStats {
    return readSessionStats(this.figures, {
      localAddress: this.localAddress,
      localPort: this.localPort,
      media: this.media,
      latched: this.latched,
      inboundFramesDropped: this.frameChannel.dropped,
      eventsDropped: this.eventChannel.dropped,
    });
  }

  /** How long caller audio waits in the jitter buffer before it is handed on (its current target delay). */
  get inputDelayMs(): number {
    this.figures.sync();
    return this.figures.get("jb:targetDelayMs");
  }

  /** The send clock's figures, for benchmarks and diagnostics. */
  get timing(): RtpTiming {
    const f = this.figures;
    const worker = this.worker;
    const sid = this.sid;
    f.sync();
    return {
      lateness: f.histogram("lateness"),
      intervals: f.histogram("intervals"),
      ticks: f.get("ticks"),
      stalls: f.get("stalls"),
      skippedFrames: f.get("skippedFrames"),
      resetTiming: () => worker.post({ t: "reset-timing", sid }),
    };
  }

  /** Stops media, drops queued audio and keys, closes the streams, frees the port; returns the final statistics. */
  close(): Promise<RtpSessionStats> {
    if (this.closing) return this.closing;
    this.o.signal?.removeEventListener("abort", this.onAbort);
    this.queue.stopAll();
    this.frameChannel.close();
    this.eventChannel.close();
    this.closing = new Promise<void>((resolve) => {
      this.resolveClosed = resolve;
      if (this.failure) resolve();
      else this.worker.post({ t: "close", sid: this.sid });
    }).then(() => {
      this.pool?.release(this.localPort);
      mediaPool.released(this.worker);
      return this.stats();
    });
    return this.closing;
  }

  // SessionPort: what the media worker says.

  /** @internal */
  deliverFrames(frames: Int16Array, offset: number, count: number): void {
    if (this.frameChannel.isClosed) return;
    for (let i = 0; i < count; i++) {
      // Each frame owns its samples (a consumer may keep it), not a view of the batch every session shares.
      const pcm = frames.slice(offset + i * FRAME, offset + (i + 1) * FRAME);
      this.frameChannel.push({ pcm, sampleRate: 8000, ptsMs: this.framesIn++ * 20 });
    }
  }

  /** @internal */
  deliverProgress(item: number, playedSamples: number): void {
    this.queue.progress(item, playedSamples);
  }

  /** @internal */
  deliver(u: SessionUpdate): void {
    if (u.latched !== undefined) this.latched = u.latched;
    if (u.sentKinds && this.sentTap) {
      const tap = this.sentTap;
      let at = 0;
      for (const kind of u.sentKinds) {
        if (kind === 1 && u.sentPcm) {
          tap(u.sentPcm.subarray(at, at + FRAME));
          at += FRAME;
        } else {
          tap(null);
        }
      }
    }
    if (u.events) {
      for (const e of u.events) this.eventChannel.push({ ...e, atMs: this.worker.toMainTime(e.atMs) });
    }
    const q = this.queue;
    if (u.started)
      for (let i = 0; i < u.started.length; i += 2) q.started(u.started[i]!, this.worker.toMainTime(u.started[i + 1]!));
    if (u.ended)
      for (const e of u.ended) q.ended(e.id, e.reason, e.playedSamples, e.underruns, this.worker.toMainTime(e.atMs));
    if (u.dtmf) {
      for (let i = 0; i < u.dtmf.length; i += 2) {
        const done = this.dtmfRequests.get(u.dtmf[i]!);
        this.dtmfRequests.delete(u.dtmf[i]!);
        done?.(u.dtmf[i + 1] === 1);
      }
    }
  }

  /** @internal */
  closedByWorker(u: SessionUpdate | null): void {
    if (u) this.deliver(u);
    this.settleDtmf();
    this.resolveClosed?.();
  }

  /** @internal The media worker died: everything fails, loudly. */
  fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.o.signal?.removeEventListener("abort", this.onAbort);
    this.frameChannel.fail(err);
    this.eventChannel.fail(err);
    this.queue.failAll(err);
    this.settleDtmf();
    if (this.closing === null) void this.close();
    else this.resolveClosed?.();
  }

  private settleDtmf(): void {
    for (const done of this.dtmfRequests.values()) done(false);
    this.dtmfRequests.clear();
  }

  private apply(media: RtpMedia, start: boolean): void {
    const full: Required<RtpMedia> = {
      remoteAddress: media.remoteAddress,
      remotePort: media.remotePort,
      codec: media.codec,
      payloadType: media.payloadType ?? payloadTypeForLaw(media.codec),
      telephoneEventPt: media.telephoneEventPt ?? null,
      direction: media.direction ?? "sendrecv",
    };
    const eventPt = full.telephoneEventPt ?? -1;
    if (!(Number.isInteger(full.remotePort) && full.remotePort >= 0 && full.remotePort <= 65535))
      throw new RtpError("rtp_media_invalid", `bad remote port ${full.remotePort}`, { status: 400 });
    if (
      !isPayloadType(full.payloadType) ||
      (eventPt !== -1 && (!isPayloadType(eventPt) || eventPt === full.payloadType))
    ) {
      throw new RtpError(
        "rtp_media_invalid",
        `bad payload types: audio ${full.payloadType}, telephone-event ${full.telephoneEventPt}`,
        { status: 400 },
      );
    }
    const prev = this.media;
    // A new remote forgets the latch (the worker does the same): until the next packet, nothing is latched.
    if (prev !== null && (prev.remoteAddress !== full.remoteAddress || prev.remotePort !== full.remotePort))
      this.latched = null;
    if (eventPt < 0) this.settleDtmf();
    this.media = full;
    this.worker.post({ t: "apply", sid: this.sid, media: full, start });
  }

  private assertOpen(): void {
    if (this.failure)
      throw new RtpError("rtp_media_failed", `the session's media failed: ${this.failure.message}`, {
        status: 503,
        cause: this.failure,
      });
    if (this.closing) throw new RtpError("rtp_closed", "the RTP session is closed", { status: 409 });
  }
}

function isPayloadType(pt: number): boolean {
  return Number.isInteger(pt) && pt >= 0 && pt <= 127;
}
