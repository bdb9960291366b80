import type { Span } from "@opentelemetry/api";
import type { AgentDefinition } from "../agent/definition.js";
import { describeError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { inSpan } from "../lib/tracing.js";
import type { CallsRepo } from "../store/repos/calls-repo.js";
import { watchDigits } from "./call-digits.js";
import type { PlacedCall } from "./placed-call.js";
import type { CallMetrics } from "./metrics.js";

/** An answered call as a script sees it: the call, its media, the keys pressed, one signal. */
export interface ScriptedCall {
  placed: PlacedCall;
  agent: AgentDefinition;
  /** Keys pressed so far (RFC 4733 or SIP INFO), in order; a script may clear it. */
  digits: string[];
  /** Called on each key as it arrives (a script waiting for one sets it). */
  onDigit: ((digit: string) => void) | null;
  /** The request's signal and the call's end, together. */
  signal: AbortSignal;
  logger: Logger;
  /** The call's span, for spans under it (a live call's turns); set before `run`. */
  span: Span | null;
}

/**
 * What runs on an answered call, inbound or outbound: the live conversation,
 * a SIP mailbox, a notification's message and menu, a survey. Whatever the
 * script, the runner gives it the same call: its media from CallManager.media
 * (recorded when recording is on), counted in the call metrics, traced as a
 * span, its keys watched, and its record closed with the script's outcome.
 * Outbound calls are placed through CallManager.place first (the do-not-call
 * guard, call slots, admission).
 */
export interface CallScript<R> {
  /** The call's purpose (the span's name and, outbound, the record's context.source). */
  source: string;
  /** Runs on the answered call; `outcome()` is read when it settles (or throws), for the call record. */
  run(call: ScriptedCall): Promise<R>;
  outcome(): string;
  /** Times the caller talked over the agent, for the call metrics (0 when the script does not say). */
  bargeIns?(): number;
  /** After the call's record is closed (the live conversation queues its summary here). */
  ended?(callId: number): Promise<void>;
}

/** What places calls and runs scripts on them: CallManager. */
export interface CallRunner {
  place(req: { to: string; agent: string; signal?: AbortSignal; context?: unknown }): Promise<PlacedCall>;
  runScript<R>(
    placed: PlacedCall,
    script: CallScript<R>,
    signal?: AbortSignal,
  ): Promise<{ outcome: string; result: R }>;
}

export interface ScriptRequest {
  to: string;
  agent: string;
  signal: AbortSignal;
  /** More context stored with the call record, beside `source`. */
  context?: Record<string, unknown>;
}

/** What the runner writes to: the call records and the call metrics (CallManager's). */
export interface ScriptHost {
  repo: CallsRepo;
  metrics: CallMetrics;
  now: () => number;
}

/**
 * Runs a script on an answered call and ends the call: the span, the keys,
 * a media failure (the call's RTP thread died) ending the call as failed, then
 * the BYE, the RTP statistics, the recording and the call record, in that
 * order. Resolves with the outcome and the script's result; rejects with the
 * script's error once the call is ended and recorded.
 */
export async function runOnCall<R>(
  host: ScriptHost,
  placed: PlacedCall,
  agent: AgentDefinition,
  script: CallScript<R>,
  o: { signal?: AbortSignal; logger: Logger },
): Promise<{ outcome: string; result: R }> {
  const { call: sip, rtp, record } = placed;
  const call: ScriptedCall = {
    placed,
    agent,
    digits: [],
    onDigit: null,
    signal: o.signal ? AbortSignal.any([o.signal, sip.signal]) : sip.signal,
    logger: o.logger,
    span: null,
  };
  let mediaFailed = false;
  const dtmf = watchDigits(rtp, sip, (digit) => {
    call.digits.push(digit);
    call.onDigit?.(digit);
  }).catch(async (err: unknown) => {
    // The call's media is gone (its thread died): the caller can hear nothing more. End the call, loudly.
    mediaFailed = true;
    o.logger.error({ callId: record.id, err: describeError(err) }, "call media failed: hanging up");
    if (!sip.signal.aborted) await sip.hangup().catch(() => undefined);
  });
  // "call inbound", "call outbound" for the conversation; "call outbound notification", "call inbound mailbox"...
  const name = script.source === "live" ? `call ${sip.direction}` : `call ${sip.direction} ${script.source}`;
  let result: R | null = null;
  let outcome = "failed";
  let failure: { err: unknown } | null = null;
  try {
    result = await inSpan(
      name,
      { "call.id": record.id, "call.agent": agent.name, "call.direction": sip.direction },
      async (span) => {
        call.span = span;
        try {
          return await script.run(call);
        } finally {
          span.setAttribute("call.outcome", mediaFailed ? "failed" : script.outcome());
        }
      },
    );
  } catch (err) {
    failure = { err };
  } finally {
    call.onDigit = null;
    outcome = mediaFailed ? "failed" : script.outcome();
    if (!sip.signal.aborted) await sip.hangup();
    const stats = await rtp.close();
    await dtmf;
    await placed.fanout.finished().catch(() => undefined);
    const recording = placed.recorder ? await placed.recorder.close().catch(() => null) : null;
    // After the BYE: the call is over for the caller; a store that cannot write it fails loudly but ends nothing.
    await host.repo
      .end(record.id, { endedAt: host.now(), outcome, recordingPath: recording?.path ?? null, rtpStats: stats })
      .catch((err: unknown) => o.logger.error({ callId: record.id, err: describeError(err) }, "call end not recorded"));
    const bargeIns = script.bargeIns?.() ?? 0;
    host.metrics.ended(sip.direction, outcome, { bargeIns, underruns: stats.underruns, late: stats.late }, stats);
    await script.ended?.(record.id).catch((err: unknown) => {
      o.logger.warn({ callId: record.id, err: describeError(err) }, "after the call");
    });
  }
  if (failure) throw failure.err;
  return { outcome, result: result as R };
}

/**
 * An outbound script: places the call (rejects as `place` does when nobody
 * answers, or the do-not-call guard forbids it), runs the script, ends the call.
 * @example const { result } = await runCallScript(calls, { to, agent, signal }, surveyScript)
 */
export async function runCallScript<R>(
  calls: CallRunner,
  req: ScriptRequest,
  script: CallScript<R>,
): Promise<{ placed: PlacedCall; result: R }> {
  const placed = await calls.place({
    to: req.to,
    agent: req.agent,
    signal: req.signal,
    context: { source: script.source, ...req.context },
  });
  const { result } = await calls.runScript(placed, script, req.signal);
  return { placed, result };
}
