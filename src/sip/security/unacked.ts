import { once } from "../../lib/once.js";

/**
 * Answered calls whose ACK has not come yet, counted per source address.
 * Each holds an RTP port and retransmits our 2xx; a source that answers
 * INVITEs' 200s with nothing could otherwise hold every port for as long as
 * we wait for ACKs. Both drivers refuse (503) a source at its limit, once
 * when the INVITE arrives and again when the call layer accepts it (the
 * INVITEs of a burst are all admitted before the first is answered).
 */
export class UnacknowledgedDialogs {
  private readonly bySource = new Map<string, number>();
  private count = 0;

  constructor(readonly perSource: number) {}

  /** All of them, every source. */
  get total(): number {
    return this.count;
  }

  /** True when `address` may not have one more. */
  full(address: string): boolean {
    return (this.bySource.get(address) ?? 0) >= this.perSource;
  }

  /** Counts one for `address`; the returned function releases it (once, whoever calls it first). */
  hold(address: string): () => void {
    this.bySource.set(address, (this.bySource.get(address) ?? 0) + 1);
    this.count++;
    return once(() => {
      this.count--;
      const left = (this.bySource.get(address) ?? 1) - 1;
      if (left > 0) this.bySource.set(address, left);
      else this.bySource.delete(address);
    });
  }
}
