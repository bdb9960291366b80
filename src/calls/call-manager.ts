import type { ConversationOutcome } from "../agent/conversation/types.js";
import type { AgentDefinition } from "../agent/definition.js";
import type { EngineSet } from "../engines/types.js";
import { sleep } from "../lib/abort.js";
import { describeError, ParleyError } from "../lib/errors.js";
import { LogThrottle } from "../lib/log-throttle.js";
import { PortsExhaustedError, RtpSession, type PortPool, type RtpMedia } from "../rtp/index.js";
import type { CallsDeps } from "./deps.js";
import { once } from "../lib/once.js";
import { recordingsDir } from "../config/paths.js";
import {
  buildAnswer,
  buildOffer,
  CallEnded,
  DEFAULT_CAPABILITIES,
  SipError,
  trunkAccount,
  parseUri,
  type InboundCall,
  type NegotiatedMedia,
  type SipCall,
  type SipPort,
} from "../sip/index.js";
import { recordingFile } from "../store/files/index.js";
import { CallsRepo, type CallRecord } from "../store/repos/calls-repo.js";
import { Admission } from "./admission.js";
import { runOnCall, type CallScript } from "./call-script.js";
import type { PlacedCall } from "./placed-call.js";
import { liveConversation } from "./live-conversation.js";
import { mailboxScript } from "./mailbox/mailbox-script.js";
import { dialTarget } from "./dial-target.js";
import { FrameFanout } from "./frame-fanout.js";
import { CallMetrics } from "./metrics.js";
import { CallRecorder } from "./recorder.js";
import { RecordingGate } from "./recording-gate.js";

export type { PlacedCall };

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

export type DialFailure = "busy" | "no_answer" | "rejected" | "failed";

/** A call's recording and the reader of its caller frames (CallManager.media). */
interface CallMedia {
  recorder: CallRecorder | null;
  /** Between the call's audio and the recorder: withholds sensitive steps (privacy.recordings.sensitive). */
  gate: RecordingGate | null;
  fanout: FrameFanout;
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
  private readonly admission: Admission;
  private readonly throttle: LogThrottle;
  /** Calls holding a slot of `calls.maxCalls`: from the INVITE (theirs or ours) until they end, answered or not. */
  private slots = 0;
  /** The slots of placed calls, freed by `finish` or when their session ends. */
  private readonly placedSlots = new Map<number, () => void>();
  private stopping = false;

  constructor(
    private readonly services: CallsDeps,
    private readonly sip: SipPort,
    private readonly pool: PortPool,
  ) {
    this.metrics = new CallMetrics(services.registry, { slots: () => this.slots, ports: () => pool.allocated });
    this.repo = new CallsRepo(services.sql);
    this.admission = new Admission(
      services.config.calls.admission,
      () => services.engines.engines(),
      services.registry,
    );
    this.throttle = new LogThrottle({ registry: services.registry });
  }

  /** Calls with a running session (answered, talking). */
  get active(): number {
    return this.running.size;
  }

  /** Calls counted against `calls.maxCalls`: ringing, answered and awaiting ACK, or talking. */
  get inUse(): number {
    return this.slots;
  }

  start(): void {
    // Above capacity (or while engines load, or when the engines cannot keep the latency) INVITEs get 503,
    // and OPTIONS too, so a balancer moves on.
    this.sip.setCapacity((request) => {
      if (this.stopping || this.slots >= this.services.config.calls.maxCalls || !this.services.engines.ready)
        return "unavailable";
      const verdict = this.admission.check(request === "INVITE");
      if (!verdict.admit)
        return {
          overloaded: `live queueing delay ${Math.round(verdict.queueDelayMs)} ms`,
          retryAfterS: verdict.retryAfterS,
        };
      return "available";
    });
    this.sip.onInvite((call) => this.answer(call));
  }

  /** A call record's write that the call does not wait for: a failure is logged, the call goes on. */
  private background(write: Promise<void>, callId: number): void {
    write.catch((err: unknown) =>
      this.services.logger.warn({ callId, err: describeError(err) }, "call record not updated"),
    );
  }

  /** Takes a call slot; the returned function frees it (once). */
  private takeSlot(): () => void {
    this.slots++;
    return once(() => this.slots--);
  }

  private async answer(call: InboundCall): Promise<void> {
    // Counted from the INVITE: a caller that never ACKs our 200 still holds a slot (and an RTP port) until it is given up.
    const release = this.takeSlot();
    const loaded = this.services.engines.engines();
    if (!loaded) {
      release();
      return call.reject(503, "Engines Loading");
    }
    const agent = this.agentFor(call);
    // The agent's language picks its recogniser and voice where the profile has them (languages entries).
    const engines = this.services.engines.engines(agent.language) ?? loaded;
    const log = this.services.logger.child({ sipCallId: call.callId, agent: agent.name });
    let rtp: RtpSession;
    try {
      rtp = await this.openRtp(call.signal);
    } catch (err) {
      release();
      const suppressed = this.throttle.take("rtp_port_unavailable");
      if (suppressed !== null) log.warn({ err: describeError(err), suppressed }, "no RTP port for the call");
      return call.reject(err instanceof PortsExhaustedError ? 503 : 500);
    }
    // Awaited: the call needs its id. Before the answer, never between a caller's words and the agent's reply.
    const record = await this.repo.start({
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
      const local = { address: this.mediaAddress(), port: rtp.localPort };
      // A delayed offer (INVITE without SDP): our 200 offers, and call.media is the ACK's answer once accepted.
      await call.accept(call.offerSdp ? buildAnswer(call.media, local) : buildOffer(local, DEFAULT_CAPABILITIES));
    } catch (err) {
      await rtp.close();
      release();
      // Only the caller's CANCEL is "cancelled"; an ACK that never came or our own refusal is a failed call.
      const cancelled = (call.signal.reason as CallEnded | undefined)?.endReason === "cancelled";
      await this.repo.end(record.id, {
        endedAt: this.services.clock.now(),
        outcome: cancelled ? "cancelled" : "failed",
        recordingPath: null,
        rtpStats: null,
      });
      const suppressed = this.throttle.take("call_not_answered");
      if (suppressed !== null) log.info({ err: describeError(err), suppressed }, "call not answered");
      return;
    }
    // Not awaited: the caller's audio starts now, whatever the store's latency.
    this.background(this.repo.answered(record.id, this.services.clock.now()), record.id);
    rtp.start(rtpMedia(call.media));
    log.info({ callId: record.id, codec: call.media.codec.name, delayedOffer: !call.offerSdp }, "call answered");
    const placed: PlacedCall = { record, call, rtp, engines, ...(await this.media(record.id, agent, rtp)) };
    // An agent with a mailbox answers as a voicemail box (no conversation); any other talks with the caller.
    const script: CallScript<unknown> = agent.mailbox
      ? mailboxScript({ services: this.services, mailbox: agent.mailbox, invite: call })
      : liveConversation({ services: this.services, metrics: this.metrics });
    await this.execute(placed, agent, script, release).catch(() => undefined);
  }

  /** Places a call and, once answered, runs the agent on it. Rejects with the reason when nobody answers. */
  async dial(req: DialRequest): Promise<DialedCall> {
    const placed = await this.place(req);
    const script = liveConversation({ services: this.services, metrics: this.metrics, greeting: req.greeting });
    const finished = this.runScript(placed, script).then(
      (r) => r.outcome as ConversationOutcome,
      () => script.outcome() as ConversationOutcome,
    );
    return { callId: placed.record.id, finished };
  }

  /**
   * Runs a script on a placed call (`place`) and ends the call: see runOnCall.
   * Rejects with the script's error, once the call is ended and recorded.
   */
  runScript<R>(
    placed: PlacedCall,
    script: CallScript<R>,
    signal?: AbortSignal,
  ): Promise<{ outcome: string; result: R }> {
    const release = this.placedSlots.get(placed.record.id) ?? (() => {});
    this.placedSlots.delete(placed.record.id);
    return this.execute(placed, this.services.agents.get(placed.record.agent), script, release, signal);
  }

  /**
   * Dials and returns the answered call with its RTP session running, for
   * callers with their own script (notifications). They end it with `finish`.
   * Rejects (ParleyError, details.outcome busy / no_answer / rejected / failed) when nobody answers.
   */
  async place(req: Omit<DialRequest, "greeting">): Promise<PlacedCall> {
    // A number goes out through the trunk, whoever asked (the API, a notification, a callback, a survey).
    const uri = dialTarget(this.services.config, req.to);
    const loaded = this.services.engines.engines();
    if (!loaded)
      throw new ParleyError("engines_unavailable", "the engines are still loading", { status: 503, retryable: true });
    if (this.stopping)
      throw new ParleyError("shutting_down", "the server is shutting down", { status: 503, retryable: true });
    if (this.slots >= this.services.config.calls.maxCalls)
      throw new ParleyError("at_capacity", "all call slots are busy", { status: 503, retryable: true });
    const verdict = this.admission.check();
    if (!verdict.admit) {
      throw new ParleyError(
        "overloaded",
        `the engines cannot keep live latency now (queueing delay ${Math.round(verdict.queueDelayMs)} ms)`,
        { status: 503, retryable: true, details: { retryAfterS: verdict.retryAfterS } },
      );
    }
    for (const guard of this.services.dialGuards) await guard(uri);
    const agent = this.services.agents.get(req.agent);
    const engines = this.services.engines.engines(agent.language) ?? loaded;
    const release = this.takeSlot();
    let rtp: RtpSession;
    try {
      rtp = await this.openRtp(req.signal);
    } catch (err) {
      release();
      throw err;
    }
    const outbound = this.services.config.calls.outbound;
    // Without calls.outbound.from: the trunk account; without a trunk account, the driver's own (sip:parley@<us>).
    const from = outbound.from ?? trunkAccount(this.services.config.sip);
    const record = await this.repo.start({
      sipCallId: "",
      direction: "outbound",
      fromUri: from ?? "",
      toUri: uri,
      remoteNumber: numberOf(uri),
      agent: agent.name,
      startedAt: this.services.clock.now(),
      context: req.context,
    });
    let call: SipCall;
    try {
      call = await this.sip.dial({
        uri,
        ...(from ? { from } : {}),
        ...(outbound.displayName ? { fromDisplayName: outbound.displayName } : {}),
        ...(outbound.assertedIdentity ? { headers: { "P-Asserted-Identity": `<${outbound.assertedIdentity}>` } } : {}),
        sdp: buildOffer({ address: this.mediaAddress(), port: rtp.localPort }, DEFAULT_CAPABILITIES),
        timeoutMs: outbound.ringTimeoutMs,
        ...(req.signal ? { signal: req.signal } : {}),
      });
    } catch (err) {
      await rtp.close();
      release();
      const outcome = dialFailure(err);
      await this.repo.end(record.id, {
        endedAt: this.services.clock.now(),
        outcome,
        recordingPath: null,
        rtpStats: null,
      });
      this.metrics.ended("outbound", outcome, { bargeIns: 0, underruns: 0, late: 0 });
      throw new ParleyError(`dial_${outcome}`, `the call to ${req.to} was not answered: ${describeError(err)}`, {
        status: 502,
        retryable: outcome !== "rejected",
        details: { outcome },
      });
    }
    // Not awaited: the answered call's media starts now, whatever the store's latency.
    this.background(
      this.repo
        .setSipIdentity(record.id, call.callId, call.from.uri)
        .then(() => this.repo.answered(record.id, this.services.clock.now())),
      record.id,
    );
    rtp.start(rtpMedia(call.media));
    this.placedSlots.set(record.id, release);
    const { recorder, gate, fanout } = await this.media(record.id, agent, rtp);
    return {
      record: { ...record, sipCallId: call.callId, fromUri: call.from.uri },
      call,
      rtp,
      engines,
      fanout,
      recorder,
      gate,
    };
  }

  /**
   * Every call's media, whatever runs on it (a live conversation, a
   * notification, a survey): the recording when the agent's live.record or
   * calls.recordAll asks for it, and the one reader of the caller's frames.
   */
  private async media(callId: number, agent: AgentDefinition, rtp: RtpSession): Promise<CallMedia> {
    const recorder =
      agent.live.record || this.services.config.calls.recordAll
        ? await CallRecorder.create(recordingFile(recordingsDir(this.services.config), callId)).catch(() => null)
        : null;
    const gate = recorder ? new RecordingGate(recorder, this.services.privacy.recordingMode(agent.name)) : null;
    if (gate) rtp.onSentFrame = (pcm) => gate.agent(pcm);
    const fanout = new FrameFanout(rtp.frames, gate ? (pcm) => gate.caller(pcm) : null);
    return { recorder, gate, fanout };
  }

  /** Every call, whatever its script: counted, hung up by `stop`, its slot freed when it ends. */
  private async execute<R>(
    placed: PlacedCall,
    agent: AgentDefinition,
    script: CallScript<R>,
    release: () => void,
    signal?: AbortSignal,
  ): Promise<{ outcome: string; result: R }> {
    const logger = this.services.logger.child({ callId: placed.record.id });
    this.metrics.active.inc();
    const done = runOnCall(
      { repo: this.repo, metrics: this.metrics, now: () => this.services.clock.now() },
      placed,
      agent,
      script,
      { logger, ...(signal ? { signal } : {}) },
    );
    this.running.set(placed.record.id, { sip: placed.call, done: done.catch(() => undefined) });
    try {
      return await done;
    } catch (err) {
      logger.error({ script: script.source, err: describeError(err) }, "call failed");
      throw err;
    } finally {
      this.running.delete(placed.record.id);
      this.metrics.active.dec();
      release();
    }
  }

  private agentFor(call: InboundCall): AgentDefinition {
    // The dialled user may name an agent (sip:receptionist@parley); anything else goes to the default. The
    // Request-URI comes first: a PBX forwarding to a mailbox agent (sip:vm@parley) keeps the original To.
    for (const dialled of [parseUri(call.requestUri)?.user, call.to.user]) {
      const named = dialled ? this.services.agents.find(dialled) : null;
      if (named) return named.agent;
    }
    return this.services.agents.get(this.services.config.calls.defaultAgent ?? this.services.config.agents.default);
  }

  private openRtp(signal?: AbortSignal): Promise<RtpSession> {
    return RtpSession.open({
      config: this.services.config.rtp,
      pool: this.pool,
      logger: this.services.logger,
      ...(signal ? { signal } : {}),
    });
  }

  private mediaAddress(): string {
    return (
      this.services.config.calls.mediaAddress ??
      this.services.config.sip.publicAddress ??
      this.services.config.rtp.bindHost
    );
  }

  /**
   * Stops taking calls (INVITE and OPTIONS get 503, `place` refuses) and waits up to `ms` for the calls in
   * progress to end by themselves. Resolves with how many are still going (`stop` hangs those up).
   */
  async drain(ms: number, signal?: AbortSignal): Promise<number> {
    this.stopping = true;
    const deadline = Date.now() + ms;
    while (this.slots > 0 && Date.now() < deadline && !signal?.aborted) {
      await sleep(Math.min(100, Math.max(1, deadline - Date.now()))).catch(() => undefined);
    }
    return this.slots;
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
    if ([408, 480, 487].includes(err.sipStatus)) return "no_answer";
    if (err.sipStatus >= 400 && err.sipStatus < 700) return "rejected";
  }
  return "failed";
}
