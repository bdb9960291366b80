import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { Logger } from "../../lib/logger.js";
import type { SipMessage } from "./message.js";
import { StreamFramer } from "./stream-framer.js";

export interface TcpOptions {
  logger: Logger;
  admit: (address: string) => boolean;
  onMessage: (message: SipMessage, address: string, port: number) => void;
  maxConnections?: number;
  idleTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/**
 * SIP over TCP: one listening server plus a table of open connections keyed by
 * remote address and port, shared by inbound and outbound connections so a
 * response or in-dialog request to a peer reuses the connection it opened.
 */
export class TcpConnections {
  private server: Server | null = null;
  private readonly connections = new Map<string, Socket>();
  private readonly connecting = new Map<string, Promise<Socket>>();

  constructor(private readonly options: TcpOptions) {}

  /** Listens; resolves with the bound port. */
  async listen(host: string, port: number): Promise<number> {
    const server = createServer((socket) => this.adopt(socket));
    server.maxConnections = this.options.maxConnections ?? 1024;
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

  private adopt(socket: Socket): void {
    const address = unmapAddress(socket.remoteAddress ?? "");
    const port = socket.remotePort ?? 0;
    const k = key(address, port);
    this.connections.set(k, socket);
    const framer = new StreamFramer();
    socket.setTimeout(this.options.idleTimeoutMs ?? 300_000, () => socket.destroy());
    socket.on("error", (err) => this.options.logger.debug({ src: address, port, err: err.message }, "sip tcp connection error"));
    socket.on("close", () => {
      if (this.connections.get(k) === socket) this.connections.delete(k);
    });
    socket.on("data", (chunk: Buffer) => {
      for (const event of framer.push(chunk)) {
        if (event.kind === "ping") socket.write("\r\n");
        else if (event.kind === "error") {
          this.options.logger.debug({ src: address, port, error: event.error }, "sip tcp stream dropped");
          socket.destroy();
        } else if (this.options.admit(address)) this.options.onMessage(event.message, address, port);
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
