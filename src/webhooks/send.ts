import { describeError } from "../lib/errors.js";
import { DestinationRefusedError, outboundRequest, type OutboundPolicy } from "../lib/outbound/index.js";

export interface SendOutcome {
  ok: boolean;
  /** The receiver's status; null when no response came (refused, timed out, DNS...). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** The URL's destination is not allowed (webhooks.allowHosts): nothing was sent, and retrying will not help. */
  refused?: boolean;
}

export interface SendOptions {
  timeoutMs: number;
  /** The job's signal: cancellation or shutdown aborts the request, and the abort is rethrown. */
  signal: AbortSignal;
  /** Where deliveries may go, checked on the addresses the URL resolves to right now. */
  policy: OutboundPolicy;
}

/**
 * POSTs one delivery. Only a 2xx counts as delivered. Redirects are not
 * followed (a 3xx is a failure): the signed body must go to the URL the
 * operator configured, not wherever a receiver points it. The response body
 * is discarded unread. A destination the policy refuses is not contacted at
 * all, so the delivery log cannot be used to probe the server's own ports.
 */
export async function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  o: SendOptions,
): Promise<SendOutcome> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await outboundRequest(url, {
      method: "POST",
      body,
      headers,
      signal: AbortSignal.any([o.signal, timeout]),
      policy: o.policy,
      maxResponseBytes: 0,
    });
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : statusError(res.status), durationMs: elapsed() };
  } catch (err) {
    if (o.signal.aborted) throw err;
    if (err instanceof DestinationRefusedError)
      return { ok: false, statusCode: null, error: `refused: ${err.message}`, durationMs: elapsed(), refused: true };
    const error = timeout.aborted ? `no response within ${o.timeoutMs} ms` : describeError(err);
    return { ok: false, statusCode: null, error, durationMs: elapsed() };
  }
}

function statusError(status: number): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed; configure the final URL`;
  return `HTTP ${status}`;
}
