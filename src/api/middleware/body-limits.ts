import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { errorBody } from "../errors.js";

/** Routes that take uploads (audio, CSV, recipient lists); every other write takes a small JSON body. */
const UPLOADS: ReadonlyArray<{ method: string; path: RegExp }> = [
  { method: "POST", path: /^\/v1\/voicemails\/?$/ },
  { method: "POST", path: /^\/v1\/campaigns\/\d+\/recipients\/?$/ },
  { method: "POST", path: /^\/v1\/dnc\/import\/?$/ },
  { method: "POST", path: /^\/v1\/agents\/[^/]+\/knowledge\/?$/ },
  { method: "PUT", path: /^\/v1\/agents\/[^/]+\/knowledge\/[^/]+$/ },
];

export interface BodyLimits {
  /** Uploads (`api.maxBodyBytes`). */
  uploadBytes: number;
  /** Everything else (`api.maxJsonBytes`). */
  jsonBytes: number;
}

/**
 * One body limit per request, by route: uploads may be large, every other
 * write is small. A declared Content-Length over the limit is refused before
 * a byte is read; a chunked body is refused as soon as it passes the limit.
 * Either way the answer is 413 naming the limit and the setting that raises it.
 */
export function bodyLimits(limits: BodyLimits): MiddlewareHandler {
  // What the client still sends is read and dropped by @hono/node-server for at most 500 ms (or 64 MB), then the
  // connection is closed: long enough for the client to read this answer, never stored.
  const refuse = (c: Context, maxSize: number, setting: string) =>
    c.json(
      errorBody(
        "payload_too_large",
        `the request body is over the limit of ${maxSize} bytes for ${c.req.method} ${c.req.path} (${setting})`,
        { limitBytes: maxSize },
      ),
      413,
    );
  const limiter = (maxSize: number, setting: string): MiddlewareHandler => {
    const streamed = bodyLimit({ maxSize, onError: (c) => refuse(c, maxSize, setting) });
    return (c, next) => {
      // Judged from the header before the body is touched: opening the body stream would start buffering it.
      const declared = Number(c.req.header("content-length") ?? NaN);
      if (!c.req.header("transfer-encoding") && declared > maxSize) return Promise.resolve(refuse(c, maxSize, setting));
      return streamed(c, next);
    };
  };
  const upload = limiter(limits.uploadBytes, "api.maxBodyBytes");
  const json = limiter(limits.jsonBytes, "api.maxJsonBytes");
  return (c, next) =>
    UPLOADS.some((u) => u.method === c.req.method && u.path.test(c.req.path)) ? upload(c, next) : json(c, next);
}
