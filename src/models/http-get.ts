import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { AbortError, ModelError } from "../lib/errors.js";

export interface HttpGetOptions {
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Idle time allowed on the socket (connect, headers and body) before giving up. */
  timeoutMs: number;
  maxRedirects?: number;
}

export interface HttpGetResponse {
  status: number;
  headers: IncomingMessage["headers"];
  body: IncomingMessage;
  /** The URL that finally answered (after redirects). */
  url: string;
}

/** Raised on the request when the socket stays silent longer than the timeout. */
export class IdleTimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(ms: number) {
    super(`no answer within ${ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`}`);
    this.name = "IdleTimeoutError";
  }
}

/**
 * One GET with redirects followed (Hugging Face and GitHub both answer model
 * URLs with a redirect to a CDN). Range headers are kept across redirects.
 * Failures before any response become `network_unreachable` errors that say
 * what to do on an air-gapped machine.
 */
export async function httpGet(url: string, options: HttpGetOptions, redirects = 0): Promise<HttpGetResponse> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : target.protocol === "http:" ? http : null;
  if (!client) throw new ModelError("download_failed", `unsupported URL scheme in ${url}`, { status: 400 });
  options.signal?.throwIfAborted();
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = client.get(target, { headers: { "user-agent": "parley-model-manager", ...options.headers }, signal: options.signal, timeout: options.timeoutMs }, resolve);
    req.on("timeout", () => req.destroy(new IdleTimeoutError(options.timeoutMs)));
    req.on("error", (err) => reject(options.signal?.aborted ? new AbortError(options.signal.reason) : networkError(target, err)));
  });
  const status = res.statusCode ?? 0;
  const location = res.headers.location;
  if (status >= 300 && status < 400 && location) {
    res.resume();
    if (redirects >= (options.maxRedirects ?? 5)) throw new ModelError("download_failed", `${url}: too many redirects`, { status: 502 });
    return httpGet(new URL(location, target).toString(), options, redirects + 1);
  }
  return { status, headers: res.headers, body: res, url };
}

const reasons: Record<string, string> = {
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** The one message an operator sees when the model host cannot be reached. */
export function networkError(url: URL, err: unknown): ModelError {
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? "";
  const reason = e instanceof IdleTimeoutError ? e.message : reasons[code] ? `${reasons[code]} (${code})` : e.message;
  return new ModelError(
    "network_unreachable",
    `cannot reach ${url.host}: ${reason}. On an air-gapped machine, pull on a connected one, \`parley models export <profile> bundle.tar\`, then \`parley models import bundle.tar\` here.`,
    { status: 503, retryable: true, cause: err, details: { host: url.host, code } },
  );
}
