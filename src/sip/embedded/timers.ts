/** RFC 3261 timer base values (17.1.1.1): T1 round-trip estimate, T2 maximum interval, T4 network lifetime. */
export interface SipTimers {
  t1: number;
  t2: number;
  t4: number;
  /** How long our 2xx to an INVITE is retransmitted waiting for its ACK; 64*T1 (RFC 3261 13.3.1.4) when absent. */
  ackTimeout?: number;
}

export const DEFAULT_TIMERS: SipTimers = { t1: 500, t2: 4000, t4: 5000 };

/** A timer that does not keep the process alive on its own (the sockets do that). */
export function later(ms: number, fn: () => void): NodeJS.Timeout {
  const timer = setTimeout(fn, ms);
  timer.unref();
  return timer;
}

/**
 * Retransmits with an interval starting at `initial` and doubling up to `cap`
 * (timers A, E, G and the 2xx retransmission of 13.3.1.4) until stopped, then
 * gives up after `giveUpAfter` ms (timers B, F, H).
 */
export class Retransmitter {
  private timer: NodeJS.Timeout | null = null;
  private deadline: NodeJS.Timeout | null = null;
  private interval: number;

  constructor(
    private readonly resend: () => void,
    options: { initial: number; cap: number; giveUpAfter: number; onGiveUp: () => void; retransmit: boolean },
  ) {
    this.interval = options.initial;
    if (options.retransmit) this.schedule(options.cap);
    this.deadline = later(options.giveUpAfter, () => {
      this.stop();
      options.onGiveUp();
    });
  }

  /** Retransmits at a fixed `interval` from now on (non-INVITE "proceeding" uses T2, RFC 3261 17.1.2.2). */
  slowTo(interval: number): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.interval = interval;
    this.schedule(interval);
  }

  /** Stops both the retransmissions and the deadline. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.deadline) clearTimeout(this.deadline);
    this.timer = this.deadline = null;
  }

  private schedule(cap: number): void {
    this.timer = later(this.interval, () => {
      this.resend();
      this.interval = Math.min(this.interval * 2, cap);
      this.schedule(cap);
    });
  }
}
