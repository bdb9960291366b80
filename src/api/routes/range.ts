import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable } from "node:stream";
import type { Context } from "hono";
import { errorBody } from "../errors.js";

/**
 * Serves a file with single-range support (audio players seek with Range
 * requests). As RFC 9110 allows, a Range in another unit, or asking for
 * several ranges (multipart/byteranges is not implemented), is ignored and
 * the whole file sent; a malformed or unsatisfiable byte range is a 416.
 */
export async function sendFile(c: Context, path: string, contentType: string): Promise<Response> {
  const size = (await stat(path)).size;
  const raw = c.req.header("range")?.trim();
  const header = raw && /^bytes=/i.test(raw) && !raw.includes(",") ? raw : undefined;
  const headers: Record<string, string> = {
    "content-type": contentType,
    "accept-ranges": "bytes",
    "cache-control": "private, max-age=3600",
  };
  if (!header) {
    return c.body(Readable.toWeb(createReadStream(path)) as ReadableStream, 200, {
      ...headers,
      "content-length": String(size),
    });
  }
  const m = /^bytes=(\d*)-(\d*)$/i.exec(header);
  let start = m?.[1] ? Number(m[1]) : NaN;
  let end = m?.[2] ? Number(m[2]) : size - 1;
  if (m && !m[1] && m[2]) {
    // "bytes=-500": the last 500 bytes
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  }
  if (!m || !Number.isFinite(start) || start >= size || end < start) {
    return c.json(errorBody("range_not_satisfiable", `cannot serve range '${header}' of ${size} bytes`), 416, {
      "content-range": `bytes */${size}`,
    });
  }
  end = Math.min(end, size - 1);
  return c.body(Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream, 206, {
    ...headers,
    "content-range": `bytes ${start}-${end}/${size}`,
    "content-length": String(end - start + 1),
  });
}
