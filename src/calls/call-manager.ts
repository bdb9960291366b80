import { join } from "node:path";
import type { ConversationOutcome } from "../agent/conversation/types.js";
import type { AgentDefinition } from "../agent/definition.js";
import type { EngineSet } from "../engines/types.js";
import { sleep } from "../lib/abort.js";
import { describeError, ParleyError } from "../lib/errors.js";
import { PortsExhaustedError, RtpSession, type PortPool, type RtpMedia } from "../rtp/index.js";
import type { Services } from "../server/services.js";
import { recordingsDir } from "../server/paths.js";
import { buildAnswer, buildOffer, DEFAULT_CAPABILITIES, SipError, type InboundCall, type NegotiatedMedia, type SipCall, type SipPort } from "../sip/index.js";
import { CallsRepo, type CallRecord } from "../store/repos/calls-repo.js";
import { runCallSession } from "./call-session.js";
import { FrameFanout } from "./frame-fanout.js";
import { CallMetrics } from "./metrics.js";
import { CallRecorder } from "./recorder.js";

export interface DialRequest {
  /** A SIP URI, or a number dialled through the trunk. */
  to: string;
  agent: string;
  /** What the agent says first (a callback names its reason); the agent's greeting otherwise. */
  greeting?: string;
  /** Free-form context stored with the call (the job that placed it...). */
  context?: unknown;
  signal?: AbortSignal;
}

export type DialFailure = "busy" | "no-answer" | "rejected" | "failed";

export interface PlacedCall {
  record: CallRecord;
  call: SipCall;
  rtp: RtpSession;
  engines: EngineSet;
}

export interface DialedCall {
  callId: number;
  /** Settles with the conversation's outcome once the call is over. */
  finished: Promise<ConversationOutcome>;
}

/**
 * Live calls: answers INVITEs (capacity, agent choice, SDP, RTP) and places
 * outbound calls, each run by a call session. Owns the SIP port's handlers;
 * the SIP and RTP layers know nothing of agents.
 */
export class CallManager {
  private readonly running = new Map<number, { sip: SipCall; done: Promise<unknown> }>();
  private readonly metrics: CallMetrics;
  private readonly repo: CallsRepo;
  private stopping = false;

  constructor(
    private readonly services: Services,
    private readonly sip: SipPort,
    private readonly pool: PortPool,
  ) {
    this.metrics = new CallMetrics(services.registry);
    this.repo = new CallsRepo(services.db);
  }

  get active(): number {
    return this.running.size;
  }

  start(): void {
    // Above capacity (or while engines load) INVITEs get 503, and OPTIONS too, so a balancer moves on.
    this.sip.setCapacity(() => (this.stopping || this.running.size >= this.services.config.calls.maxCalls || !this.services.engines.ready ? "unavailable" : "available"));
    this.sip.onInvite((call) => this.answer(call));
  }

  private async answer(call: InboundCall): Promise<void> {
    const engines = this.services.engines.engines();
    if (!engines) return call.reject(503, "Engines Loading");
    const agent = this.agentFor(call.to.user);
    const log = this.services.logger.child({ sipCallId: call.callId, agent: agent.name });
    let rtp: RtpSession;
    try {
      rtp = await this.openRtp(call.signal);
    } catch (err) {
      log.warn({ err: describeError(err) }, "no RTP port for the call");
      return call.reject(err instanceof PortsExhaustedError ? 503 : 500);
    }
    const record = this.repo.start({
      sipCallId: call.callId,
      direction: "inbound",
      fromUri: call.from.uri,
      toUri: call.to.uri,
      remoteNumber: call.from.user ?? null,
      agent: agent.name,
      startedAt: this.services.clock.now(),
    });
    try {
      const delay = this.services.config.calls.answerDelayMs;
      if (delay > 0) {
        await call.ringing();
        await sleep(delay, call.signal);
      }
      await call.accept(buildAnswer(call.media, { address: this.mediaAddress(), port: rtp.localPort }));
    } catch (err) {
      await rtp.close();
      this.repo.end(record.id, { endedAt: this.services.clock.now(), outcome: call.signal.aborted ? "cancelled" : "failed", recordingPath: null, rtpStats: null });
      log.info({ err: describeError(err) }, "call not answered");
      return;
    }
    this.repo.answered(record.id, this.services.clock.now());
    rtp.start(rtpMedia(call.media));
    log.info({ callId: record.id, codec: call.media.codec.name }, "call answered");
    await this.run(call, rtp, record, agent, engines);
  }

  /** Places a call and, once answered, runs the agent on it. Rejects with the reason when nobody answers. */
  async dial(req: DialRequest): Promise<DialedCall> {
    const placed = await this.place(req);
    const agent = this.services.agents.get(req.agent);
    const withGreeting = req.greeting ? { ...agent, live: { ...agent.live, greeting: req.greeting } } : agent;
    const finished = this.run(placed.call, placed.rtp, placed.record, withGreeting, placed.engines);
    return { callId: placed.record.id, finished };
  }

  /**
   * Dials and returns the answered call with its RTP session running, for
   * callers with their own script (notifications). They end it with `finish`.
   * Rejects (ParleyError, details.outcome busy / no-answer / rejected / failed) when nobody answers.
   */
  async place(req: Omit<DialRequest, "greeting">): Promise<PlacedCall> {
    const engines = this.services.engines.engines();
    if (!engines) throw new ParleyError("engines_unavailable", "the engines are still loading", { status: 503, retryable: true });
    if (this.running.size >= this.services.config.calls.maxCalls) throw new ParleyError("at_capacity", "all call slots are busy", { status: 503, retryable: true });
    for (const guard of this.services.dialGuards) guard(req.to);
    const agent = this.services.agents.get(req.agent);
    const rtp = await this.openRtp(req.signal);
    const record = this.repo.start({
      sipCallId: "",
      direction: "outbound",
      fromUri: this.services.config.calls.outbound.from,
      toUri: req.to,
      remoteNumber: numberOf(req.to),
      agent: agent.name,
      startedAt: this.services.clock.now(),
      context: req.context,
    });
    let call: SipCall;
    try {
      call = await this.sip.dial({
        uri: req.to,
        from: this.services.config.calls.outbound.from,
        sdp: buildOffer({ address: this.mediaAddress(), port: rtp.localPort }, DEFAULT_CAPABILITIES),
        timeoutMs: this.services.config.calls.outbound.ringTimeoutMs,
        ...(req.signal ? { signal: req.signal } : {}),
      });
    } catch (err) {
      await rtp.close();
      const outcome = dialFailure(err);
      this.repo.end(record.id, { endedAt: this.services.clock.now(), outcome, recordingPath: null, rtpStats: null });
      this.metrics.ended("outbound", outcome, { bargeIns: 0, underruns: 0, late: 0 });
      throw new ParleyError(`dial_${outcome.replace("-", "_")}`, `the call to ${req.to} was not answered: ${describeError(err)}`, { status: 502, retryable: outcome !== "rejected", details: { outcome } });
    }
    this.repo.setSipCallId(record.id, call.callId);
    this.repo.answered(record.id, this.services.clock.now());
    rtp.start(rtpMedia(call.media));
    return { record, call, rtp, engines };
  }

  /** Ends a placed call (BYE if still up) and writes its record. */
  async finish(placed: PlacedCall, outcome: string): Promise<void> {
    if (!placed.call.signal.aborted) await placed.call.hangup();
    const stats = await placed.rtp.close();
    this.repo.end(placed.record.id, { endedAt: this.services.clock.now(), outcome, recordingPath: null, rtpStats: stats });
    this.metrics.ended("outbound", outcome, { bargeIns: 0, underruns: stats.underruns, late: stats.late }, stats);
  }

  private async run(call: SipCall, rtp: RtpSession, record: CallRecord, agent: AgentDefinition, engines: EngineSet): Promise<ConversationOutcome> {
    const recorder = agent.live.record || this.services.config.calls.recordAll ? await CallRecorder.create(join(recordingsDir(this.services.config), `call-${record.id}.wav`)).catch(() => null) : null;
    if (recorder) rtp.onSentFrame = (pcm) => recorder.agent(pcm);
    const fanout = new FrameFanout(rtp.frames, recorder ? (pcm) => recorder.caller(pcm) : null);
    this.metrics.active.inc();
    const done = runCallSession({ services: this.services, engines, agent, sip: call, rtp, fanout, recorder, record, metrics: this.metrics, logger: this.services.logger.child({ callId: record.id }) });
    this.running.set(record.id, { sip: call, done });
    try {
      return await done;
    } finally {
      this.running.delete(record.id);
      this.metrics.active.dec();
    }
  }

  private agentFor(dialled: string | undefined): AgentDefinition {
    // The dialled user may name an agent (sip:receptionist@parley); anything else goes to the default.
    const named = dialled ? this.services.agents.find(dialled) : null;
    if (named) return named.agent;
    return this.services.agents.get(this.services.config.calls.defaultAgent ?? this.services.config.agents.default);
  }

  private openRtp(signal?: AbortSignal): Promise<RtpSession> {
    return RtpSession.open({ config: this.services.config.rtp, pool: this.pool, logger: this.services.logger, ...(signal ? { signal } : {}) });
  }

  private mediaAddress(): string {
    return this.services.config.calls.mediaAddress ?? this.services.config.sip.publicAddress ?? this.services.config.rtp.bindHost;
  }

  /** Ends every call politely and waits for their records to be written. */
  async stop(): Promise<void> {
    this.stopping = true;
    const calls = [...this.running.values()];
    await Promise.allSettled(calls.map((c) => c.sip.hangup()));
    await Promise.allSettled(calls.map((c) => c.done));
  }
}

export function rtpMedia(m: NegotiatedMedia): RtpMedia {
  return {
    remoteAddress: m.remote.address,
    remotePort: m.remote.port,
    codec: m.codec.name === "PCMU" ? "pcmu" : "pcma",
    payloadType: m.codec.payloadType,
    telephoneEventPt: m.telephoneEvent?.payloadType ?? null,
    direction: m.answerDirection,
  };
}

function numberOf(uri: string): string | null {
  const m = /^(?:sips?:)?(\+?[\d*#]+)@/.exec(uri) ?? /^(\+?\d+)$/.exec(uri);
  return m?.[1] ?? null;
}

function dialFailure(err: unknown): DialFailure {
  if (err instanceof SipError) {
    if (err.sipStatus === 486 || err.sipStatus === 600) return "busy";
    if ([408, 480, 487].includes(err.sipStatus)) return "no-answer";
    if (err.sipStatus >= 400 && err.sipStatus < 700) return "rejected";
  }
  return "failed";
}
