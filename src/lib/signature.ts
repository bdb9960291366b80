import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Webhook signatures: HMAC-SHA256 over "<unix seconds>.<body>" with the
 * endpoint's secret, sent as `Parley-Signature: t=<seconds>,v1=<hex>`. The
 * timestamp inside the signed text stops replays of an old delivery; a
 * receiver checks it is recent (5 minutes is usual).
 */
export const SIGNATURE_HEADER = "Parley-Signature";

export function signPayload(secret: string, timestampSec: number, body: string): string {
  const mac = createHmac("sha256", secret).update(`${timestampSec}.${body}`).digest("hex");
  return `t=${timestampSec},v1=${mac}`;
}

/** What a receiver does; used by our tests and documented for integrators. */
export function verifySignature(
  header: string,
  secret: string,
  body: string,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  const parts = Object.fromEntries(header.split(",").map((p) => p.split("=", 2) as [string, string]));
  const t = Number(parts.t);
  const v1 = parts.v1;
  if (!Number.isInteger(t) || !v1 || Math.abs(nowSec - t) > toleranceSec) return false;
  const expected = Buffer.from(signPayload(secret, t, body).split("v1=")[1] ?? "", "hex");
  const given = Buffer.from(v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
