/**
 * Sequence-number bookkeeping for one RTP source (RFC 3550 appendix A.1):
 * extends the 16-bit sequence across wraparounds, tells in-order, reordered
 * and duplicate packets apart, and counts loss as expected minus received.
 *
 * Duplicates are found in a 128-packet bitmap behind the highest sequence
 * seen (enough for any reordering a jitter buffer could still use). A jump
 * further than MAX_DROPOUT ahead or MAX_MISORDER behind is not trusted at
 * once: as in A.1, the packet is dropped ("probation") and the stream is
 * re-based only if the next packet follows it, so one stray packet cannot
 * derail the accounting.
 */

const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const WINDOW = 128;

/** What a sequence number means for the stream. */
export type SequenceVerdict = "in_order" | "reordered" | "duplicate" | "probation" | "restart";

export class SequenceTracker {
  private started = false;
  /** Highest extended sequence number seen in this epoch. */
  private maxExt = 0;
  private baseExt = 0;
  private epochReceived = 0;
  private badSeq = -1;
  private readonly seen = new Uint8Array(WINDOW);
  /** Expected and received counts of earlier epochs (before a restart). */
  private priorExpected = 0;
  private priorReceived = 0;

  duplicates = 0;
  reordered = 0;
  restarts = 0;
  probationDrops = 0;

  /** Classifies one sequence number and records it (unless it is a duplicate or on probation). */
  observe(seq: number): SequenceVerdict {
    if (!this.started) {
      this.rebase(seq);
      return "in_order";
    }
    const maxSeq = this.maxExt & 0xffff;
    const delta = ((seq - maxSeq) << 16) >> 16; // signed 16-bit distance from the highest seen
    if (delta > 0 && delta <= MAX_DROPOUT) {
      const from = this.maxExt + 1;
      const to = this.maxExt + delta;
      if (delta >= WINDOW) this.seen.fill(0);
      else for (let e = from; e < to; e++) this.seen[e % WINDOW] = 0;
      this.maxExt = to;
      this.seen[to % WINDOW] = 1;
      this.epochReceived++;
      this.badSeq = -1;
      return "in_order";
    }
    if (delta <= 0 && -delta < Math.min(WINDOW, MAX_MISORDER + 1)) {
      const ext = this.maxExt + delta;
      if (this.seen[ext % WINDOW] === 1) {
        this.duplicates++;
        return "duplicate";
      }
      // A packet from before the first one we saw: the stream started earlier than we thought.
      if (ext < this.baseExt) this.baseExt = ext;
      this.seen[ext % WINDOW] = 1;
      this.epochReceived++;
      this.reordered++;
      return "reordered";
    }
    if (seq === this.badSeq) {
      // Two packets in a row in the new region: the source restarted its sequence.
      this.priorExpected += this.epochExpected();
      this.priorReceived += this.epochReceived;
      this.restarts++;
      this.rebase(seq);
      return "restart";
    }
    this.badSeq = (seq + 1) & 0xffff;
    this.probationDrops++;
    return "probation";
  }

  private rebase(seq: number): void {
    this.started = true;
    // Start the extension at 2^16 so that "behind the base" stays positive for the window arithmetic.
    this.maxExt = 0x10000 + seq;
    this.baseExt = this.maxExt;
    this.epochReceived = 1;
    this.badSeq = -1;
    this.seen.fill(0);
    this.seen[this.maxExt % WINDOW] = 1;
  }

  private epochExpected(): number {
    return this.started ? this.maxExt - this.baseExt + 1 : 0;
  }

  /** Unique packets accepted so far. */
  get received(): number {
    return this.priorReceived + this.epochReceived;
  }

  /** Packets the sequence numbers say were sent. */
  get expected(): number {
    return this.priorExpected + this.epochExpected();
  }

  /** Packets never received (late arrivals that fill a gap reduce it). */
  get lost(): number {
    return Math.max(0, this.expected - this.received);
  }

  /** Forgets the source (a new SSRC starts from scratch); counters are kept. */
  reset(): void {
    this.priorExpected += this.epochExpected();
    this.priorReceived += this.epochReceived;
    this.started = false;
    this.epochReceived = 0;
    this.maxExt = this.baseExt = 0;
    this.badSeq = -1;
  }
}
