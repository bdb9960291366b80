import { createHash, type Hash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { AbortError, isAbortError, ModelError } from "../lib/errors.js";
import { hashInto } from "./hash.js";
import { httpGet, type HttpGetResponse } from "./http-get.js";
import { tap } from "./tap.js";

export interface DownloadOptions {
  url: string;
  /** The partial file; it stays on disk after an interruption so the next attempt resumes it. */
  dest: string;
  expectedSize?: number | undefined;
  expectedSha256?: string | undefined;
  signal?: AbortSignal | undefined;
  /** Socket idle timeout per request. */
  timeoutMs?: number | undefined;
  /** Extra attempts after an interruption or a server error (each resumes where the last stopped). */
  retries?: number | undefined;
  onProgress?: ((done: number, total: number | null) => void) | undefined;
}

export interface DownloadResult {
  path: string;
  size: number;
  sha256: string;
}

/** Sidecar next to a partial file: resume only what came from the same URL and, when known, the same ETag. */
interface PartialMeta {
  url: string;
  etag?: string;
}

/**
 * Downloads `url` into `dest`, resuming a partial file with `Range: bytes=N-`.
 * A 206 continues the file, a 200 (server ignored Range) restarts it, a 416
 * means the partial is not a prefix of the resource and restarts it too.
 * The result is checked against the expected size and sha256; a mismatching
 * file is deleted so the next attempt starts clean.
 */
export async function download(o: DownloadOptions): Promise<DownloadResult> {
  const retries = o.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptDownload(o, true);
    } catch (err) {
      const retryable = err instanceof ModelError && err.retryable && err.code !== "network_unreachable";
      if (!retryable || attempt >= retries || o.signal?.aborted) throw err;
      await sleep(250 * 2 ** attempt, undefined, { signal: o.signal }).catch(() => undefined);
    }
  }
}

async function attemptDownload(o: DownloadOptions, mayRestart: boolean): Promise<DownloadResult> {
  await mkdir(dirname(o.dest), { recursive: true });
  const meta = await readMeta(o.dest);
  let start = await sizeOf(o.dest);
  if (start > 0 && (meta?.url !== o.url || (o.expectedSize !== undefined && start > o.expectedSize))) {
    await discard(o.dest);
    start = 0;
  }
  if (start > 0 && start === o.expectedSize) return finish(o, createHashOf(o.dest, start, o.signal), start);

  const headers: Record<string, string> = {};
  if (start > 0) {
    headers.range = `bytes=${start}-`;
    if (meta?.etag) headers["if-range"] = meta.etag;
  }
  const res = await httpGet(o.url, { headers, signal: o.signal, timeoutMs: o.timeoutMs ?? 30_000 });
  if (res.status === 416 || (res.status === 206 && rangeStart(res) !== start)) {
    res.body.resume();
    await discard(o.dest);
    if (!mayRestart) throw new ModelError("download_failed", `${o.url}: the server keeps refusing the byte range`, { status: 502 });
    return attemptDownload(o, false);
  }
  if (res.status !== 200 && res.status !== 206) {
    res.body.resume();
    const retryable = res.status >= 500 || res.status === 429;
    throw new ModelError("download_failed", `${o.url}: HTTP ${res.status}${res.status === 404 ? " (not found; check the URL or the mirror layout)" : ""}`, { status: 502, retryable, details: { httpStatus: res.status } });
  }
  if (res.status === 200 && start > 0) start = 0; // the server ignored Range: the body is the whole file
  await writeMeta(o.dest, { url: o.url, ...(typeof res.headers.etag === "string" ? { etag: res.headers.etag } : {}) });
  const total = o.expectedSize ?? totalOf(res, start);
  const running = start > 0 ? await createHashOf(o.dest, start, o.signal) : createHash("sha256");
  let done = start;
  const counter = tap((chunk) => {
    running.update(chunk);
    done += chunk.length;
    o.onProgress?.(done, total);
  });
  try {
    await pipeline(res.body, counter, createWriteStream(o.dest, { flags: start > 0 ? "a" : "w" }), { signal: o.signal });
  } catch (err) {
    if (o.signal?.aborted || isAbortError(err)) throw new AbortError(o.signal?.reason);
    throw new ModelError("download_interrupted", `${o.url}: transfer interrupted after ${done} bytes (${(err as Error).message}); the next pull resumes it`, { status: 502, retryable: true, cause: err });
  }
  if (o.expectedSize !== undefined && done < o.expectedSize) {
    throw new ModelError("download_interrupted", `${o.url}: the server closed after ${done} of ${o.expectedSize} bytes; the next pull resumes it`, { status: 502, retryable: true });
  }
  return finish(o, Promise.resolve(running), done);
}

/** Size and hash checks; a file that fails them is deleted so it is never resumed. */
async function finish(o: DownloadOptions, hashing: Promise<Hash>, size: number): Promise<DownloadResult> {
  const sha256 = (await hashing).digest("hex");
  if (o.expectedSize !== undefined && size !== o.expectedSize) {
    await discard(o.dest);
    throw new ModelError("size_mismatch", `${o.url}: got ${size} bytes, the catalog says ${o.expectedSize}; the file was deleted`, { status: 502 });
  }
  if (o.expectedSha256 && sha256 !== o.expectedSha256) {
    await discard(o.dest);
    throw new ModelError("checksum_mismatch", `${o.url}: sha256 is ${sha256}, the catalog says ${o.expectedSha256}; the file was deleted`, { status: 502 });
  }
  // The sidecar stays: until the model is installed, a later pull reuses this complete file without a request.
  return { path: o.dest, size, sha256 };
}

async function createHashOf(path: string, expected: number, signal?: AbortSignal): Promise<Hash> {
  const hash = createHash("sha256");
  const read = await hashInto(hash, path, signal);
  if (read !== expected) throw new ModelError("download_interrupted", `${path} changed while it was being read`, { retryable: true });
  return hash;
}

/** First byte of a 206 answer (`Content-Range: bytes 100-199/200`). */
function rangeStart(res: HttpGetResponse): number | null {
  const m = /^bytes (\d+)-/.exec(String(res.headers["content-range"] ?? ""));
  return m ? Number(m[1]) : null;
}

function totalOf(res: HttpGetResponse, start: number): number | null {
  const full = /\/(\d+)$/.exec(String(res.headers["content-range"] ?? ""));
  if (full) return Number(full[1]);
  const len = Number(res.headers["content-length"]);
  return Number.isFinite(len) && res.headers["content-length"] !== undefined ? start + len : null;
}

const metaPath = (dest: string) => `${dest}.part.json`;

async function readMeta(dest: string): Promise<PartialMeta | null> {
  try {
    return JSON.parse(await readFile(metaPath(dest), "utf8")) as PartialMeta;
  } catch {
    return null;
  }
}

async function writeMeta(dest: string, meta: PartialMeta): Promise<void> {
  await writeFile(metaPath(dest), JSON.stringify(meta));
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then((s) => s.size, () => 0);
}

async function discard(dest: string): Promise<void> {
  await rm(dest, { force: true });
  await rm(metaPath(dest), { force: true });
}
