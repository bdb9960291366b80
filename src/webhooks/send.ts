import { describeError } from "../lib/errors.js";

export interface SendOutcome {
  ok: boolean;
  /** The receiver's status; null when no response came (refused, timed out, DNS...). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  /** The job's signal: cancellation or shutdown aborts the request, and the abort is rethrown. */
  signal: AbortSignal;
}

/**
 * POSTs one delivery. Only a 2xx counts as delivered. Redirects are not
 * followed (a 3xx is a failure): the signed body must go to the URL the
 * operator configured, not wherever a receiver points it. The response body
 * is discarded unread.
 */
export async function postWebhook(url: string, body: string, headers: Record<string, string>, o: SendOptions): Promise<SendOutcome> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, { method: "POST", body, headers, redirect: "manual", signal: AbortSignal.any([o.signal, timeout]) });
    await res.body?.cancel().catch(() => {});
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : statusError(res.status), durationMs: elapsed() };
  } catch (err) {
    if (o.signal.aborted) throw err;
    const error = timeout.aborted ? `no response within ${o.timeoutMs} ms` : networkError(err);
    return { ok: false, statusCode: null, error, durationMs: elapsed() };
  }
}

function statusError(status: number): string {
  if (status >= 300 && status < 400) return `HTTP ${status}: redirects are not followed; configure the final URL`;
  return `HTTP ${status}`;
}

/** fetch says "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND...) is in its cause. */
function networkError(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return cause ? `${describeError(err)}: ${describeError(cause)}` : describeError(err);
}
