import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { isIPv4, isIPv6 } from "node:net";
import type { Logger } from "../../lib/logger.js";
import type { SipMessage } from "./message.js";
import { parseDatagram } from "./parser.js";
import { serialize } from "./serializer.js";
import { TcpConnections, type TcpLimits, type TcpRefusal, type TcpSourceClass } from "./tcp.js";

export type TransportName = "udp" | "tcp";

/** A peer as seen on the wire; `address` has no IPv6 brackets, IPv4-mapped addresses are unmapped. */
export interface Endpoint {
  transport: TransportName;
  address: string;
  port: number;
}

export interface TransportOptions {
  host: string;
  /** 0 picks a free port (tests); UDP and TCP then share it. */
  port: number;
  transports: readonly TransportName[];
  logger: Logger;
  /** Called before parsing with the source address; false drops the message (rate limiting). */
  admit: (address: string) => boolean;
  onMessage: (message: SipMessage, source: Endpoint) => void;
  /** TCP only: who a connecting address is, decided at accept (see TcpConnections). */
  classifyTcp?: (address: string) => TcpSourceClass;
  onTcpRefused?: (reason: TcpRefusal, address: string) => void;
  tcpLimits?: Partial<TcpLimits>;
}

/**
 * UDP and TCP for SIP on one port. Malformed input is logged at debug (source
 * and reason, never the content) and dropped; it never throws into Node's
 * event loop. Responses and requests over TCP reuse an open connection to the
 * same address and port (connection reuse), so a PBX that connected to us gets
 * its responses on that connection.
 */
export class SipTransport {
  private udp: UdpSocket | null = null;
  private udpFamily: 4 | 6 = 4;
  private tcp: TcpConnections | null = null;
  private closed = false;
  port = 0;

  private constructor(private readonly options: TransportOptions) {}

  /** Binds the configured transports. */
  static async open(options: TransportOptions): Promise<SipTransport> {
    const transport = new SipTransport(options);
    // With port 0 the TCP bind on the UDP port may collide with another process: try a few ports.
    for (let attempt = 0; ; attempt++) {
      try {
        await transport.bind();
        return transport;
      } catch (err) {
        await transport.close();
        transport.closed = false;
        if (options.port !== 0 || attempt >= 4 || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
      }
    }
  }

  private async bind(): Promise<void> {
    const { host, transports, logger } = this.options;
    let port = this.options.port;
    if (transports.includes("udp")) {
      this.udpFamily = isIPv6(host) ? 6 : 4;
      const udp = createSocket({ type: this.udpFamily === 6 ? "udp6" : "udp4" });
      this.udp = udp;
      udp.on("message", (buf, rinfo) => this.onDatagram(buf, rinfo.address, rinfo.port));
      udp.on("error", (err) => logger.warn({ err: err.message }, "sip udp socket error"));
      await new Promise<void>((resolve, reject) => {
        udp.once("error", reject);
        udp.bind(port, host, () => {
          udp.off("error", reject);
          resolve();
        });
      });
      port = udp.address().port;
    }
    if (transports.includes("tcp")) {
      this.tcp = new TcpConnections({
        logger,
        admit: this.options.admit,
        ...(this.options.classifyTcp ? { classify: this.options.classifyTcp } : {}),
        ...(this.options.onTcpRefused ? { onRefused: this.options.onTcpRefused } : {}),
        ...(this.options.tcpLimits ? { limits: this.options.tcpLimits } : {}),
        onMessage: (message, address, remotePort) =>
          this.deliver(message, { transport: "tcp", address, port: remotePort }),
      });
      port = await this.tcp.listen(host, port);
    }
    this.port = port;
  }

  /** Serialises and sends; rejects when the message cannot leave (no transport, TCP connect failure). */
  async send(message: SipMessage, to: Endpoint): Promise<void> {
    if (this.closed) throw new Error("transport closed");
    const bytes = serialize(message);
    if (to.transport === "tcp") {
      if (!this.tcp) throw new Error("tcp transport not enabled");
      return this.tcp.send(bytes, to.address, to.port);
    }
    const udp = this.udp;
    if (!udp) throw new Error("udp transport not enabled");
    const family = this.udpFamily;
    if (family === 4 && isIPv6(to.address)) throw new Error("cannot reach an IPv6 address from an IPv4 socket");
    const address = family === 6 && isIPv4(to.address) ? `::ffff:${to.address}` : to.address;
    await new Promise<void>((resolve, reject) =>
      udp.send(bytes, to.port, address, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** True when a TCP connection to this endpoint is open (UDP needs none). */
  hasConnection(to: Endpoint): boolean {
    return to.transport === "udp" ? this.udp !== null : (this.tcp?.has(to.address, to.port) ?? false);
  }

  /** Open TCP connections (0 without TCP). */
  get tcpConnections(): number {
    return this.tcp?.size ?? 0;
  }

  /** Closes sockets and every TCP connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const udp = this.udp;
    this.udp = null;
    if (udp) await new Promise<void>((resolve) => udp.close(() => resolve()));
    await this.tcp?.close();
    this.tcp = null;
  }

  private onDatagram(buf: Buffer, rawAddress: string, port: number): void {
    const address = unmap(rawAddress);
    if (!this.options.admit(address)) return;
    // CRLF keep-alives on UDP (RFC 5626 4.4.1) carry nothing to answer.
    if (buf.length <= 4 && /^[\r\n]*$/.test(buf.toString("latin1"))) return;
    const parsed = parseDatagram(buf);
    if (!parsed.ok) {
      this.options.logger.debug({ src: address, port, bytes: buf.length, error: parsed.error }, "sip datagram dropped");
      return;
    }
    this.deliver(parsed.value, { transport: "udp", address, port });
  }

  private deliver(message: SipMessage, source: Endpoint): void {
    try {
      this.options.onMessage(message, source);
    } catch (err) {
      // A bug in message handling must not take the transport down with it.
      this.options.logger.error({ err: (err as Error).message, src: source.address }, "sip message handling failed");
    }
  }
}

/** ::ffff:10.0.0.1 (dual-stack sockets) -> 10.0.0.1. */
export function unmap(address: string): string {
  return address.toLowerCase().startsWith("::ffff:") && isIPv4(address.slice(7)) ? address.slice(7) : address;
}
