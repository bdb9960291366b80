/**
 * Failed sign-ins per client address in a sliding window: enough for a person
 * who mistypes, far too few to guess a password. Only failures count, so
 * operators behind one proxy address do not lock each other out by signing in.
 * Kept in memory (one server process answers the console); the map is pruned
 * as it is used and bounded, so a flood of addresses cannot grow it.
 */
export class LoginRateLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 10 * 60_000,
    private readonly maxClients = 10_000,
  ) {}

  /** 0 when the client may try now, or the ms until it may. */
  wait(client: string, now: number): number {
    const recent = this.recent(client, now);
    return recent.length >= this.max ? (recent[0] as number) + this.windowMs - now : 0;
  }

  /** Records a failed attempt. */
  fail(client: string, now: number): void {
    const recent = this.recent(client, now);
    recent.push(now);
    this.failures.delete(client); // re-insert: the map's order is least recently seen first
    this.failures.set(client, recent);
    if (this.failures.size > this.maxClients) this.prune(now);
  }

  private recent(client: string, now: number): number[] {
    return (this.failures.get(client) ?? []).filter((t) => t > now - this.windowMs);
  }

  /** Forgets clients idle past the window, then (a flood) the least recently seen ones. */
  private prune(now: number): void {
    for (const [client, times] of this.failures) if ((times.at(-1) ?? 0) <= now - this.windowMs) this.failures.delete(client);
    for (const client of this.failures.keys()) {
      if (this.failures.size <= this.maxClients) break;
      this.failures.delete(client);
    }
  }
}
