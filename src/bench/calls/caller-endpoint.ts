import { createSocket, type Socket } from "node:dgram";
import { decodeMulaw, encodeMulaw, rms } from "../../audio/index.js";
import { parseRtp, serializeRtp } from "../../rtp/packet.js";
import { StreamGaps } from "./stream-gaps.js";

/** What the caller's RTP endpoint measured on one call; times are epoch ms (comparable across threads). */
export interface EndpointMeasure {
  /** The caller's last audible speech packet, as sent; null if it never spoke (no greeting heard). */
  speechEndAt: number | null;
  /** The first audible agent packet after that; null if none came within the hold. */
  firstAudibleAfterSpeech: number | null;
  /** The first audible agent packet of the call (the greeting's). */
  firstAudibleAt: number | null;
  /** Slots of the agent's speech a phone would have had nothing to play for (StreamGaps.gaps). */
  gaps: number;
  /** Intervals over 40 ms between the agent's packets while it talked, in 20 ms slots (StreamGaps.intervalGaps). */
  intervalGaps: number;
  /** RFC 3550 interarrival jitter of the agent stream, ms. */
  jitterMs: number;
}

export interface RunOptions {
  /** How long the call stays up after the caller's line, waiting for the answer and hearing it. */
  holdMs: number;
  /** How much longer than the greeting's end the caller waits before its line (bench capacity --turn-offset). */
  speakAfterMs?: number;
}

const AUDIBLE = 0.02;
const FRAME = 160;

/** Wall time in epoch ms: a worker's performance.now() starts at its own origin, so the threads compare these. */
export const epochNow = () => performance.timeOrigin + performance.now();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A bench caller's RTP side: a bare endpoint that timestamps every packet
 * as it arrives (no jitter buffer between the wire and the measurement),
 * waits out the greeting, says its line and measures how long the agent
 * takes to start answering. It runs on the caller thread (caller-thread.ts),
 * so the server's load on the box's cores does not delay its clock.
 */
export class CallerEndpoint {
  private readonly state = {
    lastAudibleAt: 0,
    firstAudibleAfterSpeech: null as number | null,
    speechEndAt: null as number | null,
    stream: new StreamGaps(),
    talking: false,
    heardGreeting: false,
    firstAudibleAt: null as number | null,
  };
  private sender: Sender | null = null;
  private stopped = false;

  private constructor(private readonly socket: Socket) {
    socket.on("message", (buf) => this.heard(buf));
  }

  static async open(): Promise<CallerEndpoint> {
    const socket = createSocket("udp4");
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
    return new CallerEndpoint(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The call is up: sends from now on, says `speech` after the greeting, and measures the answer. */
  async run(remote: { address: string; port: number }, speech: Int16Array, o: RunOptions): Promise<EndpointMeasure> {
    const s = this.state;
    this.sender = new Sender(this.socket, remote.address, remote.port);
    this.sender.start();
    // Wait for the greeting to end: audible audio, then 500 ms without.
    const deadline = epochNow() + 15_000;
    while (!(s.heardGreeting && epochNow() - s.lastAudibleAt > 500) && epochNow() < deadline && !this.stopped)
      await sleep(20);
    if (o.speakAfterMs && !this.stopped) await sleep(o.speakAfterMs);
    if (!this.stopped) {
      s.speechEndAt = await this.sender.say(speech);
      const answerBy = epochNow() + o.holdMs;
      while (s.firstAudibleAfterSpeech === null && epochNow() < answerBy && !this.stopped) await sleep(10);
      if (!this.stopped) await sleep(1500); // hear the reply for the gap and jitter figures
    }
    this.sender.stop();
    return {
      speechEndAt: s.speechEndAt,
      firstAudibleAfterSpeech: s.firstAudibleAfterSpeech,
      firstAudibleAt: s.firstAudibleAt,
      gaps: s.stream.gaps,
      intervalGaps: s.stream.intervalGaps,
      jitterMs: s.stream.jitterMs,
    };
  }

  /** Ends a run early (the call failed or the bench was stopped). */
  stop(): void {
    this.stopped = true;
  }

  close(): void {
    this.stopped = true;
    this.sender?.stop();
    this.socket.close();
  }

  private heard(buf: Buffer): void {
    const now = epochNow();
    const s = this.state;
    const parsed = parseRtp(buf);
    if (!parsed.ok || parsed.packet.payloadType !== 0) return;
    const pcm = decodeMulaw(parsed.packet.payload);
    const loud = rms(pcm) > AUDIBLE;
    s.stream.packet(now, parsed.packet.ssrc, parsed.packet.timestamp, s.talking);
    s.talking = loud;
    if (loud) {
      s.heardGreeting = true;
      s.firstAudibleAt ??= now;
      s.lastAudibleAt = now;
      if (s.speechEndAt !== null && s.firstAudibleAfterSpeech === null) s.firstAudibleAfterSpeech = now;
    }
  }
}

/** Sends 20 ms packets on an absolute timeline: speech when asked, G.711 silence otherwise (a phone never stops sending). */
class Sender {
  private seq = 1;
  private ts = 0;
  private queue: Int16Array[] = [];
  private timer: NodeJS.Timeout | null = null;
  private t0 = 0;
  private n = 0;
  private onDrained: ((at: number) => void) | null = null;
  private lastSpokenAt = 0;
  private readonly silence = new Int16Array(FRAME);

  constructor(
    private readonly socket: Socket,
    private readonly host: string,
    private readonly port: number,
  ) {}

  start(): void {
    this.t0 = epochNow();
    this.tick();
  }

  /** Queues the speech; resolves with the time its last audible packet was sent (the speech's acoustic end, not its trailing hush). */
  say(pcm: Int16Array): Promise<number> {
    for (let i = 0; i < pcm.length; i += FRAME) {
      const f = new Int16Array(FRAME);
      f.set(pcm.subarray(i, i + FRAME));
      this.queue.push(f);
    }
    return new Promise((r) => (this.onDrained = r));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private tick = () => {
    const frame = this.queue.shift();
    const packet = serializeRtp({
      payloadType: 0,
      sequence: this.seq,
      timestamp: this.ts,
      ssrc: 0x5eed,
      payload: encodeMulaw(frame ?? this.silence),
    });
    this.socket.send(packet, this.port, this.host);
    if (frame && rms(frame) > AUDIBLE) this.lastSpokenAt = epochNow();
    if (frame && this.queue.length === 0 && this.onDrained) {
      this.onDrained(this.lastSpokenAt || epochNow());
      this.onDrained = null;
    }
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + FRAME) >>> 0;
    this.n++;
    this.timer = setTimeout(this.tick, Math.max(0, this.t0 + this.n * 20 - epochNow()));
  };
}
