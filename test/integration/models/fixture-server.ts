import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** How the server treats the next requests for a path. */
export type Misbehaviour =
  | "normal"
  | "drop-half-once" // send half of the body, then cut the connection (once)
  | "corrupt" // serve the bytes with one byte flipped
  | "ignore-range" // answer 200 with the whole file even when a Range was asked
  | "not-found"
  | "hang"; // accept and never answer

export interface LoggedRequest {
  path: string;
  range: string | undefined;
  status: number;
}

/**
 * A real HTTP server on 127.0.0.1 with an ephemeral port serving in-memory
 * fixture files, with Range support and switches to misbehave, so downloads
 * are tested against real sockets (no mocks of our own code).
 */
export class FixtureServer {
  readonly requests: LoggedRequest[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly modes = new Map<string, Misbehaviour>();
  private readonly redirects = new Map<string, string>();
  private server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  serve(path: string, bytes: Buffer): this {
    this.files.set(path, bytes);
    return this;
  }

  redirect(from: string, to: string): this {
    this.redirects.set(from, to);
    return this;
  }

  misbehave(path: string, mode: Misbehaviour): this {
    this.modes.set(path, mode);
    return this;
  }

  requestsFor(path: string): LoggedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const range = req.headers.range;
    const log = (status: number) => this.requests.push({ path, range, status });
    const mode = this.modes.get(path) ?? "normal";
    const target = this.redirects.get(path);
    if (target) {
      log(302);
      res.writeHead(302, { location: target }).end();
      return;
    }
    if (mode === "hang") {
      log(0);
      return;
    }
    const body = this.files.get(path);
    if (!body || mode === "not-found") {
      log(404);
      res.writeHead(404).end("not found");
      return;
    }
    let start = 0;
    const m = range && mode !== "ignore-range" ? /^bytes=(\d+)-$/.exec(range) : null;
    if (m) {
      start = Number(m[1]);
      if (start >= body.length) {
        log(416);
        res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        return;
      }
    }
    let payload = body.subarray(start);
    if (mode === "corrupt") {
      payload = Buffer.from(payload);
      payload[payload.length >> 1] = (payload[payload.length >> 1] ?? 0) ^ 0xff;
    }
    const headers: Record<string, string | number> = { "content-length": payload.length, "content-type": "application/octet-stream", etag: '"fixture-v1"' };
    const status = m ? 206 : 200;
    if (m) headers["content-range"] = `bytes ${start}-${body.length - 1}/${body.length}`;
    log(status);
    res.writeHead(status, headers);
    if (mode === "drop-half-once") {
      this.modes.set(path, "normal");
      // Let the first half reach the client, then cut the socket mid-body.
      res.write(payload.subarray(0, payload.length >> 1), () => setTimeout(() => res.socket?.destroy(), 30));
      return;
    }
    res.end(payload);
  }
}

/** Deterministic pseudo-random bytes (a fixture "model" file). */
export function fixtureBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
