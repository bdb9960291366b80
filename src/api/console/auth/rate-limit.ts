/**
 * Sign-in attempts per client address in a sliding window: enough for a
 * person who mistypes, far too few to guess a password.
 *
 * An attempt is counted when it starts, before the password is hashed, in
 * the same synchronous step as the check: 100 parallel attempts from one
 * address get at most `max` hashes and the rest a 429 (counting only when a
 * hash had failed let every parallel attempt through). A successful sign-in
 * takes its attempt back, so operators behind one proxy address do not lock
 * each other out by signing in.
 *
 * Kept in memory (one server process answers the console); the map is pruned
 * as it is used and bounded, so a flood of addresses cannot grow it.
 */
export class LoginRateLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly max = 10,
    private readonly windowMs = 10 * 60_000,
    private readonly maxClients = 10_000,
  ) {}

  /**
   * Counts an attempt from `client` when it is allowed: returns 0 and the
   * attempt is recorded, or the ms until the client may try again (nothing
   * recorded).
   */
  begin(client: string, now: number): number {
    const recent = this.recent(client, now);
    if (recent.length >= this.max) return Math.max(1, (recent[0] as number) + this.windowMs - now);
    recent.push(now);
    this.attempts.delete(client); // re-insert: the map's order is least recently seen first
    this.attempts.set(client, recent);
    if (this.attempts.size > this.maxClients) this.prune(now);
    return 0;
  }

  /** Takes back an attempt begun at `startedAt`: it succeeded, or it was never checked (the server was busy). */
  refund(client: string, startedAt: number): void {
    const times = this.attempts.get(client);
    const i = times?.lastIndexOf(startedAt) ?? -1;
    if (times && i >= 0) times.splice(i, 1);
  }

  private recent(client: string, now: number): number[] {
    return (this.attempts.get(client) ?? []).filter((t) => t > now - this.windowMs);
  }

  /** Forgets clients idle past the window, then (a flood) the least recently seen ones. */
  private prune(now: number): void {
    for (const [client, times] of this.attempts)
      if ((times.at(-1) ?? 0) <= now - this.windowMs) this.attempts.delete(client);
    for (const client of this.attempts.keys()) {
      if (this.attempts.size <= this.maxClients) break;
      this.attempts.delete(client);
    }
  }
}
