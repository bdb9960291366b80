/**
 * The UDP ports media may use: even ports of a configured range (RTP on
 * even ports, RFC 3550 section 11; the odd neighbour stays free for RTCP).
 *
 * Allocation walks the range round-robin from where the last one stopped,
 * so a port just released is the last to be reused: a late packet of the
 * previous call is less likely to land in the next one. A port another
 * process holds (EADDRINUSE) is skipped and the next tried; when every port
 * is taken, PortsExhaustedError (503, retryable) is thrown.
 */
import { PortsExhaustedError, RtpError } from "./errors.js";

export interface PortRange {
  min: number;
  max: number;
}

/** Bind errors that mean "this port, not this host": try the next one. */
const SKIPPABLE = new Set(["EADDRINUSE", "EACCES"]);

export class PortPool {
  readonly min: number;
  readonly max: number;
  private readonly first: number;
  private readonly count: number;
  private readonly inUse = new Set<number>();
  private cursor = 0;
  /** Ports found taken by someone else, cumulative. */
  busyElsewhere = 0;

  constructor(range: PortRange) {
    if (!(
      Number.isInteger(range.min) &&
      Number.isInteger(range.max) &&
      range.min >= 1 &&
      range.max <= 65535 &&
      range.min <= range.max
    )) {
      throw new RtpError("rtp_ports_invalid", `RTP port range ${range.min}-${range.max} is not a valid range`);
    }
    this.min = range.min;
    this.max = range.max;
    this.first = range.min % 2 === 0 ? range.min : range.min + 1;
    this.count = this.first > range.max ? 0 : Math.floor((range.max - this.first) / 2) + 1;
    if (this.count === 0)
      throw new RtpError("rtp_ports_invalid", `RTP port range ${range.min}-${range.max} holds no even port`);
  }

  /** Even ports in the range. */
  get size(): number {
    return this.count;
  }

  get allocated(): number {
    return this.inUse.size;
  }

  /**
   * Finds a free port and binds it with `bind`; returns the port and what
   * `bind` returned. A bind failing with EADDRINUSE or EACCES moves on to the
   * next port; any other failure is thrown as is.
   */
  async acquire<T>(bind: (port: number) => Promise<T>): Promise<{ port: number; value: T }> {
    let busy = 0;
    for (let tried = 0; tried < this.count; tried++) {
      const port = this.first + 2 * this.cursor;
      this.cursor = (this.cursor + 1) % this.count;
      if (this.inUse.has(port)) continue;
      // Reserve before awaiting, so concurrent acquires never try the same port.
      this.inUse.add(port);
      try {
        return { port, value: await bind(port) };
      } catch (err) {
        this.inUse.delete(port);
        const code = (err as { code?: unknown }).code;
        if (typeof code !== "string" || !SKIPPABLE.has(code)) throw err;
        busy++;
        this.busyElsewhere++;
      }
    }
    throw new PortsExhaustedError(this.min, this.max, this.inUse.size, busy);
  }

  /** Returns a port to the pool (releasing one not held is a no-op). */
  release(port: number): void {
    this.inUse.delete(port);
  }
}
