import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../lib/clock.js";

/**
 * Stateless server nonces: timestamp + random + HMAC(secret), base64url. We
 * can tell a nonce we issued from a forged one and an expired one (answered
 * with stale=true so the client retries silently) without keeping a table.
 */
export class NonceIssuer {
  private readonly secret: Buffer;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    secret: Buffer = randomBytes(32),
  ) {
    this.secret = secret;
  }

  /** A fresh nonce. */
  issue(): string {
    const body = Buffer.alloc(16);
    body.writeBigUInt64BE(BigInt(Math.floor(this.clock.now())), 0);
    randomBytes(8).copy(body, 8);
    return Buffer.concat([body, this.mac(body)]).toString("base64url");
  }

  /** "valid", "stale" (ours but expired) or "invalid" (not ours, or malformed). */
  check(nonce: string): "valid" | "stale" | "invalid" {
    if (nonce.length > 64 || !/^[A-Za-z0-9_-]+$/.test(nonce)) return "invalid";
    const raw = Buffer.from(nonce, "base64url");
    if (raw.length !== 32) return "invalid";
    const body = raw.subarray(0, 16);
    if (!timingSafeEqual(raw.subarray(16), this.mac(body))) return "invalid";
    const issued = Number(body.readBigUInt64BE(0));
    const age = this.clock.now() - issued;
    return age >= 0 && age <= this.ttlMs ? "valid" : "stale";
  }

  private mac(body: Buffer): Buffer {
    return createHmac("sha256", this.secret).update(body).digest().subarray(0, 16);
  }
}
