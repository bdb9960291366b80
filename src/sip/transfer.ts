import { AbortError } from "../lib/errors.js";
import { CallEnded, SipError } from "./errors.js";
import type { TransferResult } from "./types.js";
import { formatUri, parseUri } from "./uri.js";

/** Receives each NOTIFY sipfrag status of a REFER subscription; `final` once the transfer is decided. */
export type ReferWaiter = (outcome: TransferResult, final: boolean) => void;

export interface ReferOptions {
  targetUri: string;
  referredBy: string;
  callSignal: AbortSignal;
  waiters: Set<ReferWaiter>;
  /** Sends the REFER in the dialog with these headers; resolves with its final status. */
  send: (headers: [string, string][]) => Promise<{ status: number; reason: string }>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Blind transfer (RFC 3515): REFER with Refer-To, then wait for the NOTIFY
 * whose message/sipfrag carries a final status. A refused REFER rejects with
 * its SipError; no outcome within the timeout rejects with SipError 408.
 */
export async function transferByRefer(options: ReferOptions): Promise<TransferResult> {
  const target = parseUri(options.targetUri);
  if (!target || target.scheme === "tel")
    throw new SipError(416, "Unsupported URI Scheme", { details: { target: options.targetUri } });
  if (options.callSignal.aborted) throw options.callSignal.reason as CallEnded;
  let settle = null as ((r: TransferResult | Error) => void) | null;
  // Listen before sending: the first NOTIFY can overtake the 202.
  const outcome = new Promise<TransferResult>((resolve, reject) => {
    const timer = setTimeout(() => settle?.(new SipError(408, "No transfer outcome")), options.timeoutMs ?? 30_000);
    timer.unref();
    const onCallEnd = () => settle?.(options.callSignal.reason as Error);
    const onAbort = () => settle?.(new AbortError(options.signal?.reason));
    const waiter: ReferWaiter = (r, final) => final && settle?.(r);
    options.callSignal.addEventListener("abort", onCallEnd, { once: true });
    options.signal?.addEventListener("abort", onAbort, { once: true });
    options.waiters.add(waiter);
    settle = (r) => {
      settle = null;
      clearTimeout(timer);
      options.callSignal.removeEventListener("abort", onCallEnd);
      options.signal?.removeEventListener("abort", onAbort);
      options.waiters.delete(waiter);
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
  });
  outcome.catch(() => {}); // observed below; avoids an unhandled rejection if the REFER itself fails
  try {
    const response = await options.send([
      ["Refer-To", `<${formatUri(target)}>`],
      ["Referred-By", `<${options.referredBy}>`],
    ]);
    if (response.status >= 300) throw new SipError(response.status, response.reason);
  } catch (err) {
    settle?.(err as Error);
    throw err;
  }
  return outcome;
}

/** The parts of a NOTIFY a transfer needs. */
export interface NotifyParts {
  event: string | undefined;
  subscriptionState: string | undefined;
  body: string;
}

/** Feeds a NOTIFY (Event: refer, message/sipfrag body) to the waiting transfer, if any. */
export function notifyOutcome(notify: NotifyParts, waiters: Set<ReferWaiter>): void {
  const event = (notify.event ?? "").split(";")[0]?.trim().toLowerCase();
  if (event !== "refer") return;
  const line = notify.body.split(/\r?\n/)[0] ?? "";
  const frag = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/.exec(line.trim());
  const terminated = /^\s*terminated/i.test(notify.subscriptionState ?? "");
  if (!frag?.[1] && !terminated) return;
  const status = frag?.[1] ? Number(frag[1]) : 500;
  const result: TransferResult = { status, reason: (frag?.[2] ?? "Subscription terminated").slice(0, 128) };
  for (const waiter of [...waiters]) waiter(result, status >= 200 || terminated);
}
