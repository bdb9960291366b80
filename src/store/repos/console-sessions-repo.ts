import { randomBytes } from "node:crypto";
import { StoreError } from "../errors.js";
import type { SqlStore } from "../sql/port.js";

/**
 * What makes console sessions the same on every node: the revoked session ids (`console_revocations`, both
 * engines) and, on PostgreSQL, the one secret that signs the cookies (`console_secret`). Cookies are stateless
 * (console/auth/session.ts); only a logout is written down, until the cookie would have expired anyway.
 */
export class ConsoleSessionsRepo {
  constructor(private readonly sql: SqlStore) {}

  /** Ends the session `sid` (its cookie is valid until `expiresAt`); drops revocations nobody can present anymore. */
  async revoke(sid: string, expiresAt: number, now: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run("DELETE FROM console_revocations WHERE expires_at <= ?", [now]);
      await tx.run(
        "INSERT INTO console_revocations (sid, expires_at) VALUES (?, ?) ON CONFLICT (sid) DO UPDATE SET expires_at = excluded.expires_at",
        [sid, expiresAt],
      );
    });
  }

  async isRevoked(sid: string): Promise<boolean> {
    return (await this.sql.get("SELECT 1 AS x FROM console_revocations WHERE sid = ?", [sid])) !== null;
  }

  /**
   * The shared signing secret (PostgreSQL only; a SQLite node keeps its `console-secret` file). The first node to
   * ask creates it; a node racing it loses the insert (ON CONFLICT DO NOTHING) and reads the winner's, so all
   * nodes sign with one key. `initial` is what to store when there is none yet (a copied node's old file).
   */
  async sharedSecret(now: number, initial: Buffer = randomBytes(32)): Promise<Buffer> {
    if (this.sql.dialect !== "postgres")
      throw new StoreError("store_open_failed", "the console secret is in the store only on PostgreSQL");
    await this.sql.run(
      "INSERT INTO console_secret (id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING",
      [initial.toString("hex"), now],
    );
    const row = await this.sql.get<{ secret: string }>("SELECT secret FROM console_secret WHERE id = 1");
    if (!row || !/^[0-9a-f]{64,}$/i.test(row.secret))
      throw new StoreError(
        "store_corrupt",
        `the console secret in ${this.sql.where} is not 64+ hex digits; delete its row to make a new one`,
      );
    return Buffer.from(row.secret, "hex");
  }
}
