import { createConnection } from "node:net";
import { ParleyError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { SrfClient } from "./srf-types.js";

export interface ConnectOptions {
  host: string;
  port: number;
  secret: string;
  connectTimeoutMs?: number;
  logger: Logger;
}

/**
 * Connects drachtio-srf to drachtio-server's admin port and resolves with the
 * server's SIP address list. drachtio-srf retries a refused connection forever
 * and cannot be stopped before it connects, so we probe the port first and
 * hand it over only once something listens: a missing server is a prompt,
 * retryable `drachtio_unreachable` error instead of a silent hang.
 */
export async function connectSrf(srf: SrfClient, options: ConnectOptions): Promise<string> {
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const unreachable = () =>
    new ParleyError("drachtio_unreachable", `no drachtio-server answered at ${options.host}:${options.port}`, {
      status: 503,
      retryable: true,
    });
  if (!(await reachable(options.host, options.port, timeoutMs))) throw unreachable();
  const disconnect = () => {
    try {
      srf.disconnect();
    } catch {
      // not connected: nothing to close
    }
  };
  const hostport = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      disconnect();
      reject(unreachable());
    }, timeoutMs);
    // drachtio-srf emits 'error' on every failed attempt; without a listener EventEmitter would throw.
    srf.on("error", (err) => options.logger.debug({ err: err.message }, "drachtio connection error"));
    srf.on("connect", (err, hp) => {
      clearTimeout(timer);
      if (!err) return resolve(hp);
      disconnect();
      reject(new ParleyError("drachtio_auth_failed", `drachtio-server refused us: ${err.message}`, { status: 503 }));
    });
    srf.connect({ host: options.host, port: options.port, secret: options.secret });
  });
  srf.on("disconnect", () => options.logger.warn("drachtio-server connection lost; drachtio-srf reconnects"));
  return hostport;
}

/** True when a TCP connection to host:port opens within the timeout. */
function reachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}
