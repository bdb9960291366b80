import { createSocket, type Socket } from "node:dgram";
import { decodeMulaw, encodeMulaw, rms } from "../../audio/index.js";
import { parseRtp, serializeRtp } from "../../rtp/packet.js";
import { buildOffer, DEFAULT_CAPABILITIES, type OutboundCall, type SipPort } from "../../sip/index.js";

/** What one benchmark call saw on the wire. */
export interface CallMeasure {
  sipCallId: string;
  answered: boolean;
  /** Caller's last speech packet sent -> first audible agent packet received (ms). */
  turnLatencyMs: number | null;
  /** The call answered (200 OK in hand) -> the greeting's first audible packet received (ms). */
  greetingFirstPacketMs: number | null;
  /** Agent packets per 20 ms slot that never came (gaps > 40 ms in the agent stream while it talked). */
  gaps: number;
  /** RFC 3550 interarrival jitter of the agent stream, ms. */
  jitterMs: number;
  error?: string;
}

const AUDIBLE = 0.02;
const FRAME = 160;

/**
 * A caller for `parley bench calls`: a SIP UAC and a bare RTP endpoint that
 * timestamps every packet as it arrives (no jitter buffer between the wire
 * and the measurement). It waits out the greeting, says its line, and
 * measures how long the agent takes to start answering.
 */
export async function benchCall(
  sip: SipPort,
  target: string,
  speech: Int16Array,
  o: { holdMs: number; signal: AbortSignal },
): Promise<CallMeasure> {
  const socket = createSocket("udp4");
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  const port = socket.address().port;
  const state = {
    lastAudibleAt: 0,
    firstAudibleAfterSpeech: null as number | null,
    speechEndAt: null as number | null,
    lastArrival: 0,
    lastTransit: 0,
    jitter: 0,
    gaps: 0,
    talking: false,
    heardGreeting: false,
    answeredAt: null as number | null,
    firstAudibleAt: null as number | null,
  };
  socket.on("message", (buf) => {
    const now = performance.now();
    const parsed = parseRtp(buf);
    if (!parsed.ok || parsed.packet.payloadType !== 0) return;
    const pcm = decodeMulaw(parsed.packet.payload);
    const loud = rms(pcm) > AUDIBLE;
    // Jitter (RFC 3550 A.8) on the 20 ms media clock.
    const transit = now - parsed.packet.timestamp / 8;
    if (state.lastArrival) state.jitter += (Math.abs(transit - state.lastTransit) - state.jitter) / 16;
    if (state.talking && state.lastArrival && now - state.lastArrival > 40)
      state.gaps += Math.round((now - state.lastArrival) / 20) - 1;
    state.lastArrival = now;
    state.lastTransit = transit;
    state.talking = loud;
    if (loud) {
      state.heardGreeting = true;
      state.firstAudibleAt ??= now;
      state.lastAudibleAt = now;
      if (state.speechEndAt !== null && state.firstAudibleAfterSpeech === null) state.firstAudibleAfterSpeech = now;
    }
  });
  let call: OutboundCall | null = null;
  try {
    call = await sip.dial({
      uri: target,
      sdp: buildOffer({ address: "127.0.0.1", port }, { ...DEFAULT_CAPABILITIES, codecs: ["PCMU"] }),
      timeoutMs: 20_000,
      signal: o.signal,
    });
    state.answeredAt = performance.now();
    const remote = call.media.remote;
    const sender = new Sender(socket, remote.address, remote.port);
    sender.start();
    // Wait for the greeting to end: audible audio, then 500 ms without.
    const deadline = performance.now() + 15_000;
    while (!(state.heardGreeting && performance.now() - state.lastAudibleAt > 500) && performance.now() < deadline)
      await sleep(20);
    state.speechEndAt = await sender.say(speech);
    const answerBy = performance.now() + o.holdMs;
    while (state.firstAudibleAfterSpeech === null && performance.now() < answerBy) await sleep(10);
    await sleep(1500); // hear the reply for the gap and jitter figures
    sender.stop();
    return {
      sipCallId: call.callId,
      answered: true,
      turnLatencyMs: state.firstAudibleAfterSpeech === null ? null : state.firstAudibleAfterSpeech - state.speechEndAt,
      greetingFirstPacketMs:
        state.firstAudibleAt === null || state.answeredAt === null ? null : state.firstAudibleAt - state.answeredAt,
      gaps: state.gaps,
      jitterMs: state.jitter,
    };
  } catch (err) {
    return {
      sipCallId: call?.callId ?? "",
      answered: call !== null,
      turnLatencyMs: null,
      greetingFirstPacketMs: null,
      gaps: 0,
      jitterMs: 0,
      error: (err as Error).message,
    };
  } finally {
    await call?.hangup();
    socket.close();
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
    this.t0 = performance.now();
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
    if (frame && rms(frame) > AUDIBLE) this.lastSpokenAt = performance.now();
    if (frame && this.queue.length === 0 && this.onDrained) {
      this.onDrained(this.lastSpokenAt || performance.now());
      this.onDrained = null;
    }
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + FRAME) >>> 0;
    this.n++;
    this.timer = setTimeout(this.tick, Math.max(0, this.t0 + this.n * 20 - performance.now()));
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
