/**
 * One call's media inside the media worker: the UDP socket, the receive path
 * (latch, jitter buffer, DTMF in), the send path (sender, DTMF out) and the
 * agent audio waiting to be played. Driven by the worker's clock (`tick`,
 * then `drain`), fed by the main thread's messages, and collecting its news
 * for the next flush (`take`). Counters go to the shared figures instead.
 */
import type { Socket } from "node:dgram";
import { G711Decoder, payloadTypeForLaw } from "../codec.js";
import { DtmfSender } from "../dtmf-sender.js";
import { Playout, type PlayoutEndReason, type PlayoutSink } from "../playout.js";
import { type ReceiverSink, RtpReceiver } from "../receiver.js";
import { RtpSender } from "../sender.js";
import { type SessionFigures, sessionFigures, writeSessionFigures } from "../session-stats.js";
import type { TimerSource } from "../timer-source.js";
import type { RtpMedia, RtpSessionEvent } from "../types.js";
import { PcmBatch } from "./pcm-batch.js";
import type { BindRequest, EndedItem, SessionUpdate } from "./protocol.js";

export class MediaSession implements ReceiverSink, PlayoutSink {
  readonly receiver: RtpReceiver;
  readonly sender: RtpSender;
  readonly playout: Playout;
  readonly dtmf = new DtmfSender();
  readonly figures: SessionFigures;
  running = false;
  tickErrors = 0;
  private socketErrors = 0;
  private media: Required<RtpMedia> | null = null;
  /** Where caller frames go while `drain` runs: the flush's one buffer for every session. */
  private frameOut: PcmBatch | null = null;
  private events: RtpSessionEvent[] = [];
  private progress = new Map<number, number>();
  private startedItems: number[] = [];
  private ended: EndedItem[] = [];
  private tapOn = false;
  private sentKinds: number[] = [];
  private readonly sentPcm = new PcmBatch();
  private dtmfDone: number[] = [];
  private latchKey = "";

  constructor(
    readonly sid: number,
    private readonly socket: Socket,
    req: BindRequest,
    private readonly timers: TimerSource,
  ) {
    this.figures = sessionFigures(req.figures);
    this.playout = new Playout(this);
    this.receiver = new RtpReceiver(this, req.jitter, new G711Decoder("pcmu"), { latchAnySource: req.latchAnySource });
    this.sender = new RtpSender(
      socket,
      this.receiver.latch,
      this.playout,
      this.dtmf,
      req.ssrc,
      req.initialSequence,
      req.initialTimestamp,
      req.sendSilenceWhenIdle,
      {
        lateness: this.figures.histogram("lateness"),
        intervals: this.figures.histogram("intervals"),
      },
    );
    // The only per-datagram closure: Node hands us (buffer, rinfo); everything after it is allocation-free.
    socket.on("message", (buf, rinfo) => this.receiver.onDatagram(buf, rinfo.address, rinfo.port, this.timers.now()));
    socket.on("error", () => this.socketErrors++);
  }

  /** Applies negotiated media (checked by the main thread already). */
  apply(full: Required<RtpMedia>): void {
    const prev = this.media;
    const eventPt = full.telephoneEventPt ?? -1;
    if (prev === null || prev.remoteAddress !== full.remoteAddress || prev.remotePort !== full.remotePort) {
      this.receiver.latch.setRemote(full.remoteAddress, full.remotePort);
    }
    if (prev === null || prev.codec !== full.codec) this.receiver.jitter.setDecoder(new G711Decoder(full.codec));
    this.receiver.audioPt = full.payloadType ?? payloadTypeForLaw(full.codec);
    this.receiver.eventPt = eventPt;
    this.sender.setCodec(full.codec, this.receiver.audioPt, eventPt);
    if (eventPt < 0) this.dtmf.cancelAll(); // keys queued for a type the remote no longer takes
    this.sender.sending = full.direction === "sendrecv" || full.direction === "sendonly";
    this.receiver.receiving = full.direction === "sendrecv" || full.direction === "recvonly";
    this.media = full;
  }

  set tap(on: boolean) {
    this.tapOn = on;
    this.sender.onSent = on ? this.onSent : null;
  }

  /** Queues keys; their outcome (all sent, or not) comes back in a later update. */
  sendDtmf(req: number, digits: string, durationMs: number, volume: number): void {
    const sends = [...digits].map((d) => this.dtmf.enqueue(d, { durationMs, volume }));
    void Promise.all(sends).then((sent) => this.dtmfDone.push(req, sent.every(Boolean) ? 1 : 0));
  }

  /** This slot's packet out (see RtpSender.tick). */
  tick(nowMs: number, dueMs: number, skipped: number, localStall: boolean): void {
    try {
      this.sender.tick(nowMs, dueMs, skipped);
    } catch {
      // One bad tick must not stop the call's media: counted, and the heartbeat goes on.
      this.tickErrors++;
    }
    // A late tick means this thread was held up: what arrives now was delayed by us, not the network.
    if (localStall) this.receiver.jitter.localStall = true;
  }

  /** Caller frames whose playout time has come, into `batch`; returns how many. Counters out to the shared figures. */
  drain(nowMs: number, batch: PcmBatch): number {
    const before = batch.size;
    this.frameOut = batch;
    this.receiver.drain(nowMs);
    this.frameOut = null;
    this.publish();
    return batch.size - before;
  }

  /** Appends [sid, item, samples played] for each item that played since the last call. */
  takeProgress(out: number[]): void {
    if (this.progress.size === 0) return;
    for (const [id, played] of this.progress) out.push(this.sid, id, played);
    this.progress.clear();
  }

  publish(): void {
    writeSessionFigures(this.figures, {
      receiver: this.receiver,
      sender: this.sender,
      playout: this.playout,
      dtmf: this.dtmf,
      socketErrors: this.socketErrors,
      tickErrors: this.tickErrors,
    });
  }

  /** The news since the last call beyond frames and progress (events, playback starts and ends...), or null when there is none. */
  take(): SessionUpdate | null {
    const latch = this.receiver.latch;
    const key =
      latch.latchedAddress === null ? "" : `${latch.latchedAddress}|${latch.latchedPort}|${latch.latchedSsrc}`;
    const latchChanged = key !== this.latchKey;
    if (
      !latchChanged &&
      this.events.length === 0 &&
      this.startedItems.length === 0 &&
      this.ended.length === 0 &&
      this.sentKinds.length === 0 &&
      this.dtmfDone.length === 0
    )
      return null;
    const u: SessionUpdate = { sid: this.sid };
    if (this.events.length > 0) [u.events, this.events] = [this.events, []];
    if (this.startedItems.length > 0) [u.started, this.startedItems] = [this.startedItems, []];
    if (this.ended.length > 0) [u.ended, this.ended] = [this.ended, []];
    if (this.sentKinds.length > 0) {
      u.sentKinds = Uint8Array.from(this.sentKinds);
      this.sentKinds = [];
      const pcm = this.sentPcm.take();
      if (pcm) u.sentPcm = pcm;
    }
    if (this.dtmfDone.length > 0) [u.dtmf, this.dtmfDone] = [this.dtmfDone, []];
    if (latchChanged) {
      this.latchKey = key;
      u.latched =
        latch.latchedAddress === null
          ? null
          : { address: latch.latchedAddress, port: latch.latchedPort, ssrc: latch.latchedSsrc };
    }
    return u;
  }

  /** Stops everything: queued audio ends as "closed", queued keys as not sent; resolves once the port is free. */
  close(): Promise<void> {
    const now = this.timers.now();
    this.playout.clear("closed", now);
    this.dtmf.cancelAll();
    this.sender.sending = false;
    this.receiver.receiving = false;
    this.publish();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  // ReceiverSink
  frame(pcm: Int16Array): void {
    this.frameOut?.push(pcm);
  }

  event(e: RtpSessionEvent): void {
    this.events.push(e);
  }

  // PlayoutSink
  itemStarted(id: number, atMs: number): void {
    this.startedItems.push(id, atMs);
  }

  itemProgress(id: number, played: number): void {
    this.progress.set(id, played);
  }

  itemEnded(id: number, reason: PlayoutEndReason, playedSamples: number, underruns: number, atMs: number): void {
    this.progress.delete(id);
    this.ended.push({ id, reason, playedSamples, underruns, atMs });
  }

  private readonly onSent = (pcm: Int16Array | null) => {
    if (!this.tapOn) return;
    if (pcm === null) {
      this.sentKinds.push(0);
    } else {
      this.sentKinds.push(1);
      this.sentPcm.push(pcm);
    }
  };
}
