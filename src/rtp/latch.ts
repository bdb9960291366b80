/**
 * Symmetric RTP (RFC 4961 practice, "latching"): send to where the caller's
 * media really comes from, which behind NAT is not the address in its SDP.
 *
 * Rules, chosen against hijacking ("RTP bleed") as much as for NAT:
 * - Until a packet arrives we send to the SDP address.
 * - Only a source that matches the SDP may latch: its address (any port: a
 *   PBX may send from another port than it receives on). A stranger who
 *   sprays every port of the range before the caller's first packet gets
 *   nothing, and its packets are dropped, not heard. With `anySource` (for
 *   callers behind NAT, whose SDP names a private address) the first valid
 *   packet from anywhere latches, as classic symmetric RTP does.
 * - The first valid packet (right payload type, parsed cleanly) from such a
 *   source latches its address, port and SSRC.
 * - After that, another source is accepted (and latched) only if it carries
 *   the latched SSRC (the same stream after a NAT rebinding; without
 *   `anySource` it must match the SDP too), or if it is exactly the SDP
 *   address and port (what signalling told us wins over a stranger).
 * - A source that sent a malformed datagram is never latched to (a short
 *   memory of such sources is kept).
 * `setRemote` (a re-INVITE) forgets the latch.
 */

/** Answer of `check`. */
export const LATCH_ACCEPT = 0;
export const LATCH_LATCHED = 1;
export const LATCH_REJECT = 2;

const TAINT_MEMORY = 8;

export class SymmetricLatch {
  private sdpAddress = "";
  /** The SDP address as a dual-stack socket reports an IPv4 source (::ffff:a.b.c.d). */
  private sdpMapped = "";
  private sdpPort = 0;
  latchedAddress: string | null = null;
  latchedPort = 0;
  latchedSsrc = 0;
  relatches = 0;
  private readonly taintedAddress: string[] = new Array<string>(TAINT_MEMORY).fill("");
  private readonly taintedPort = new Int32Array(TAINT_MEMORY).fill(-1);
  private taintNext = 0;

  /** `anySource`: latch to the first valid source wherever it is (NAT); otherwise only to one matching the SDP. */
  constructor(readonly anySource = false) {}

  /** Where packets go now: the latched source, else the SDP address. */
  get sendAddress(): string {
    return this.latchedAddress ?? this.sdpAddress;
  }

  get sendPort(): number {
    return this.latchedAddress === null ? this.sdpPort : this.latchedPort;
  }

  /** Sets the address from SDP and forgets any latch. An unspecified address (0.0.0.0, old-style hold) means "send nowhere until latched". */
  setRemote(address: string, port: number): void {
    this.sdpAddress = address;
    this.sdpMapped = `::ffff:${address}`;
    this.sdpPort = address === "0.0.0.0" || address === "::" ? 0 : port;
    this.latchedAddress = null;
    this.latchedPort = 0;
  }

  /** Decides on a valid packet (right PT) from `address:port` with `ssrc`. */
  check(address: string, port: number, ssrc: number): number {
    if (this.latchedAddress !== null && port === this.latchedPort && address === this.latchedAddress)
      return LATCH_ACCEPT;
    if (this.isTainted(address, port)) return LATCH_REJECT;
    if (!this.anySource && (this.sdpPort === 0 || (address !== this.sdpAddress && address !== this.sdpMapped)))
      return LATCH_REJECT;
    if (this.latchedAddress !== null) {
      const fromSdp = port === this.sdpPort && address === this.sdpAddress;
      if (ssrc !== this.latchedSsrc && !fromSdp) return LATCH_REJECT;
      this.relatches++;
    }
    this.latchedAddress = address;
    this.latchedPort = port;
    this.latchedSsrc = ssrc;
    return LATCH_LATCHED;
  }

  /** The latched stream changed SSRC (seen from the latched address): follow it. */
  followSsrc(ssrc: number): void {
    this.latchedSsrc = ssrc;
  }

  /** Remembers a source that sent garbage, so it is never latched to. */
  taint(address: string, port: number): void {
    if (port === this.latchedPort && address === this.latchedAddress) return;
    if (this.isTainted(address, port)) return;
    this.taintedAddress[this.taintNext] = address;
    this.taintedPort[this.taintNext] = port;
    this.taintNext = (this.taintNext + 1) % TAINT_MEMORY;
  }

  private isTainted(address: string, port: number): boolean {
    for (let i = 0; i < TAINT_MEMORY; i++) {
      if (this.taintedPort[i] === port && this.taintedAddress[i] === address) return true;
    }
    return false;
  }
}
