import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { Logger } from "../../lib/logger.js";
import type { SipMessage } from "./message.js";
import { StreamFramer } from "./stream-framer.js";
import { later } from "./timers.js";

/**
 * Who is connecting, decided at accept before a byte is read: "trusted" (in
 * the allow list), "untrusted" (outside it, but may authenticate by digest),
 * "refused" (outside it, and nobody outside may call).
 */
export type TcpSourceClass = "trusted" | "untrusted" | "refused";

/** Why an accepted connection was closed at once. */
export type TcpRefusal = "not_allowed" | "per_address_limit" | "untrusted_limit";

export interface TcpLimits {
  /** Open connections from untrusted sources, all together. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** An inbound connection must complete one SIP message within this (a timer, not inactivity: trickling bytes does not extend it). */
  firstMessageTimeoutMs: number;
  idleTimeoutMs: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = {
  maxConnections: 1024,
  maxConnectionsPerAddress: 32,
  firstMessageTimeoutMs: 5000,
  idleTimeoutMs: 300_000,
};

export interface TcpOptions {
  logger: Logger;
  admit: (address: string) => boolean;
  onMessage: (message: SipMessage, address: string, port: number) => void;
  classify?: (address: string) => TcpSourceClass;
  onRefused?: (reason: TcpRefusal, address: string) => void;
  limits?: Partial<TcpLimits>;
  connectTimeoutMs?: number;
}

/**
 * SIP over TCP: one listening server plus a table of open connections keyed by
 * remote address and port, shared by inbound and outbound connections so a
 * response or in-dialog request to a peer reuses the connection it opened.
 *
 * Connection slots cannot be held by strangers: a source outside the allow
 * list is closed at accept unless callers may authenticate; one address holds
 * at most `maxConnectionsPerAddress`; untrusted sources share
 * `maxConnections` (allow-listed ones are not counted there, so a flood of
 * strangers never locks the PBX out); and an inbound connection that sends no
 * complete message within `firstMessageTimeoutMs` is closed.
 */
export class TcpConnections {
  private server: Server | null = null;
  private readonly connections = new Map<string, Socket>();
  private readonly connecting = new Map<string, Promise<Socket>>();
  private readonly perAddress = new Map<string, number>();
  private untrusted = 0;
  private readonly limits: TcpLimits;

  constructor(private readonly options: TcpOptions) {
    this.limits = { ...DEFAULT_TCP_LIMITS, ...options.limits };
  }

  /** Open connections, inbound and outbound. */
  get size(): number {
    return this.connections.size;
  }

  /** Listens; resolves with the bound port. */
  async listen(host: string, port: number): Promise<number> {
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => this.options.logger.warn({ err: err.message }, "sip tcp server error"));
    const address = server.address();
    return typeof address === "object" && address ? address.port : port;
  }

  /** Writes to an open connection to address:port, or opens one. */
  async send(bytes: Buffer, address: string, port: number): Promise<void> {
    const socket = this.connections.get(key(address, port)) ?? (await this.connect(address, port));
    await new Promise<void>((resolve, reject) => socket.write(bytes, (err) => (err ? reject(err) : resolve())));
  }

  /** True when a connection to address:port is open. */
  has(address: string, port: number): boolean {
    return this.connections.has(key(address, port));
  }

  /** Closes the server and destroys every connection. */
  async close(): Promise<void> {
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private connect(address: string, port: number): Promise<Socket> {
    const k = key(address, port);
    const pending = this.connecting.get(k);
    if (pending) return pending;
    const promise = new Promise<Socket>((resolve, reject) => {
      const socket = createConnection({ host: address, port, timeout: this.options.connectTimeoutMs ?? 5000 });
      const fail = (err: Error) => {
        socket.destroy();
        reject(err);
      };
      socket.once("error", fail);
      socket.once("timeout", () => fail(new Error("tcp connect timeout")));
      socket.once("connect", () => {
        socket.off("error", fail);
        socket.setTimeout(0);
        this.adopt(socket);
        resolve(socket);
      });
    }).finally(() => this.connecting.delete(k));
    this.connecting.set(k, promise);
    return promise;
  }

  /** An inbound connection: the allow list and the limits first, then the first-message deadline. */
  private accept(socket: Socket): void {
    const address = unmapAddress(socket.remoteAddress ?? "");
    const kind = this.options.classify?.(address) ?? "trusted";
    const refusal: TcpRefusal | null =
      kind === "refused"
        ? "not_allowed"
        : (this.perAddress.get(address) ?? 0) >= this.limits.maxConnectionsPerAddress
          ? "per_address_limit"
          : kind === "untrusted" && this.untrusted >= this.limits.maxConnections
            ? "untrusted_limit"
            : null;
    if (refusal) {
      socket.on("error", () => {});
      socket.destroy();
      this.options.onRefused?.(refusal, address);
      return;
    }
    if (kind === "untrusted") {
      this.untrusted++;
      socket.once("close", () => this.untrusted--);
    }
    const deadline = later(this.limits.firstMessageTimeoutMs, () => {
      this.options.logger.debug(
        { src: address, port: socket.remotePort },
        "sip tcp connection closed: no complete message in time",
      );
      socket.destroy();
    });
    socket.once("close", () => clearTimeout(deadline));
    this.adopt(socket, () => clearTimeout(deadline));
  }

  private adopt(socket: Socket, onFirstMessage: () => void = () => {}): void {
    const address = unmapAddress(socket.remoteAddress ?? "");
    const port = socket.remotePort ?? 0;
    const k = key(address, port);
    this.connections.set(k, socket);
    this.perAddress.set(address, (this.perAddress.get(address) ?? 0) + 1);
    const framer = new StreamFramer();
    socket.setTimeout(this.limits.idleTimeoutMs, () => socket.destroy());
    socket.on("error", (err) =>
      this.options.logger.debug({ src: address, port, err: err.message }, "sip tcp connection error"),
    );
    socket.on("close", () => {
      if (this.connections.get(k) === socket) this.connections.delete(k);
      const left = (this.perAddress.get(address) ?? 1) - 1;
      if (left > 0) this.perAddress.set(address, left);
      else this.perAddress.delete(address);
    });
    socket.on("data", (chunk: Buffer) => {
      for (const event of framer.push(chunk)) {
        if (event.kind === "ping") socket.write("\r\n");
        else if (event.kind === "error") {
          this.options.logger.debug({ src: address, port, error: event.error }, "sip tcp stream dropped");
          socket.destroy();
        } else {
          onFirstMessage();
          if (this.options.admit(address)) this.options.onMessage(event.message, address, port);
        }
      }
    });
  }
}

function key(address: string, port: number): string {
  return `${address}|${port}`;
}

function unmapAddress(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}
