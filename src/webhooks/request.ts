import { signPayload, SIGNATURE_HEADER } from "../lib/signature.js";
import { packageVersion } from "../models/paths.js";

export interface WebhookRequestParts {
  /** The event envelope as JSON text: what is signed is exactly what is sent. */
  body: string;
  eventType: string;
  /** The `webhook.deliver` job id: one per event and endpoint, the same on every attempt. */
  deliveryId: number;
  idempotencyKey: string;
  secret: string;
  nowSec: number;
}

let userAgent: string | null = null;

/** The headers of one delivery attempt; the signature covers the timestamp and the body. */
export function webhookHeaders(p: WebhookRequestParts): Record<string, string> {
  userAgent ??= `Parley-Webhooks/${packageVersion()}`;
  return {
    "Content-Type": "application/json",
    "User-Agent": userAgent,
    "Parley-Event": p.eventType,
    "Parley-Delivery": String(p.deliveryId),
    "Idempotency-Key": p.idempotencyKey,
    [SIGNATURE_HEADER]: signPayload(p.secret, p.nowSec, p.body),
  };
}
