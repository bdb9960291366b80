import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { describeError, ParleyError } from "../lib/errors.js";
import { DiskFullError, isDiskFull } from "../store/errors.js";
import type { Logger } from "../lib/logger.js";

/** Every API error has the same shape: `{ error: { code, message } }`. */
export function errorBody(code: string, message: string, details?: Record<string, unknown>) {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

export function errorHandler(logger: Logger): ErrorHandler {
  return (thrown: Error, c: Context) => {
    // A full disk can surface anywhere a write happens (files, SQLite): always the same 507 with what to do.
    const err = isDiskFull(thrown) && !(thrown instanceof DiskFullError) ? new DiskFullError(thrown) : thrown;
    if (err instanceof DiskFullError) logger.error({ err: describeError(err.cause), path: c.req.path }, "disk full");
    if (err instanceof ParleyError) {
      if (err.status >= 500) logger.error({ err: err.message, code: err.code, path: c.req.path }, "request failed");
      return c.json(errorBody(err.code, err.message, err.details), err.status as ContentfulStatusCode);
    }
    if (err instanceof HTTPException) {
      return c.json(errorBody(httpCode(err.status), err.message || "request rejected"), err.status);
    }
    logger.error({ err: err.message, stack: err.stack, path: c.req.path }, "unhandled error");
    return c.json(errorBody("internal", "internal server error"), 500);
  };
}

export const notFoundHandler: NotFoundHandler = (c) =>
  c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404);

function httpCode(status: number): string {
  if (status === 413) return "payload_too_large";
  if (status === 507) return "insufficient_storage";
  if (status === 415) return "unsupported_media_type";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  return status >= 500 ? "internal" : "bad_request";
}
