import { inSpan } from "../lib/tracing.js";
import { watchDigits } from "./call-digits.js";
import type { CallManager, PlacedCall } from "./call-manager.js";

/** An answered outbound call as a script sees it: the call, its media, the keys pressed, one signal. */
export interface ScriptedCall {
  placed: PlacedCall;
  /** Keys pressed so far (RFC 4733 or SIP INFO), in order; a script may clear it. */
  digits: string[];
  /** Called on each key as it arrives (a script waiting for one sets it). */
  onDigit: (() => void) | null;
  /** The request's signal and the call's end, together. */
  signal: AbortSignal;
}

/**
 * What runs on an outbound call once it is answered: a notification's message
 * and menu, a survey. Whatever the script, the call runner gives it the same
 * call: placed through CallManager.place (the do-not-call guard, call slots,
 * admission), recorded when recording is on, counted in the call metrics,
 * traced as a span, its record closed with the script's outcome.
 */
export interface CallScript<R> {
  /** The call's purpose (the span's name and the record's context.source). */
  source: string;
  /** Runs on the answered call; `outcome()` is read when it settles (or throws), for the call record. */
  run(call: ScriptedCall): Promise<R>;
  outcome(): string;
}

export interface ScriptRequest {
  to: string;
  agent: string;
  signal: AbortSignal;
  /** More context stored with the call record, beside `source`. */
  context?: Record<string, unknown>;
}

/**
 * The call runner for outbound scripts: places the call (rejects as `place`
 * does when nobody answers), runs the script, ends the call. The live
 * conversation runs through the same media path (CallManager.dial).
 */
export async function runCallScript<R>(
  calls: CallManager,
  req: ScriptRequest,
  script: CallScript<R>,
): Promise<{ placed: PlacedCall; result: R }> {
  const placed = await calls.place({
    to: req.to,
    agent: req.agent,
    signal: req.signal,
    context: { source: script.source, ...req.context },
  });
  const call: ScriptedCall = {
    placed,
    digits: [],
    onDigit: null,
    signal: AbortSignal.any([req.signal, placed.call.signal]),
  };
  const dtmf = watchDigits(placed.rtp, placed.call, (digit) => {
    call.digits.push(digit);
    call.onDigit?.();
  });
  try {
    const result = await inSpan(
      `call outbound ${script.source}`,
      { "call.id": placed.record.id, "call.agent": req.agent, "call.direction": "outbound" },
      () => script.run(call),
    );
    return { placed, result };
  } finally {
    call.onDigit = null;
    await calls.finish(placed, script.outcome());
    await dtmf.catch(() => undefined);
    await placed.fanout.finished().catch(() => undefined);
  }
}
