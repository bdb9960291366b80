import { buildOffer, DEFAULT_CAPABILITIES, type OutboundCall, type SipPort } from "../../sip/index.js";
import { epochNow } from "./caller-endpoint.js";
import type { CallerThread } from "./caller-thread.js";

/** What one benchmark call saw on the wire. */
export interface CallMeasure {
  sipCallId: string;
  answered: boolean;
  /** Caller's last speech packet sent -> first audible agent packet received (ms). */
  turnLatencyMs: number | null;
  /** The call answered (200 OK in hand) -> the greeting's first audible packet received (ms). */
  greetingFirstPacketMs: number | null;
  /** 20 ms slots of the agent's speech a phone would have had nothing to play for (EndpointMeasure.gaps). */
  gaps: number;
  /** Intervals over 40 ms between the agent's packets while it talked, in slots (EndpointMeasure.intervalGaps). */
  intervalGaps: number;
  /** RFC 3550 interarrival jitter of the agent stream, ms. */
  jitterMs: number;
  error?: string;
}

/**
 * A caller for `parley bench calls`: a SIP UAC here, and its RTP endpoint on
 * the caller thread (caller-endpoint.ts), which waits out the greeting, says
 * the line, and measures how long the agent takes to start answering.
 */
export async function benchCall(
  sip: SipPort,
  caller: CallerThread,
  target: string,
  speech: Int16Array,
  o: { holdMs: number; speakAfterMs?: number; signal: AbortSignal },
): Promise<CallMeasure> {
  const endpoint = await caller.open();
  let call: OutboundCall | null = null;
  const stop = () => caller.stop(endpoint.id);
  o.signal.addEventListener("abort", stop, { once: true });
  try {
    call = await sip.dial({
      uri: target,
      sdp: buildOffer({ address: "127.0.0.1", port: endpoint.port }, { ...DEFAULT_CAPABILITIES, codecs: ["PCMU"] }),
      timeoutMs: 20_000,
      signal: o.signal,
    });
    const answeredAt = epochNow();
    const { address, port } = call.media.remote;
    const m = await caller.run(endpoint.id, { address, port }, speech, {
      holdMs: o.holdMs,
      ...(o.speakAfterMs ? { speakAfterMs: o.speakAfterMs } : {}),
    });
    return {
      sipCallId: call.callId,
      answered: true,
      turnLatencyMs:
        m.firstAudibleAfterSpeech === null || m.speechEndAt === null ? null : m.firstAudibleAfterSpeech - m.speechEndAt,
      greetingFirstPacketMs: m.firstAudibleAt === null ? null : m.firstAudibleAt - answeredAt,
      gaps: m.gaps,
      intervalGaps: m.intervalGaps,
      jitterMs: m.jitterMs,
    };
  } catch (err) {
    return {
      sipCallId: call?.callId ?? "",
      answered: call !== null,
      turnLatencyMs: null,
      greetingFirstPacketMs: null,
      gaps: 0,
      intervalGaps: 0,
      jitterMs: 0,
      error: (err as Error).message,
    };
  } finally {
    o.signal.removeEventListener("abort", stop);
    await call?.hangup();
    caller.close(endpoint.id);
  }
}
