import { ParleyError, type ParleyErrorOptions } from "../lib/errors.js";

/** Webhook failures, each with a stable code and the HTTP status the API answers with. */
export class WebhookError extends ParleyError {
  constructor(code: WebhookErrorCode, message: string, options: ParleyErrorOptions = {}) {
    super(code, message, options);
    this.name = "WebhookError";
  }
}

export type WebhookErrorCode =
  | "webhook_not_found"
  | "webhook_endpoint_unknown"
  | "webhook_endpoint_disabled"
  | "webhook_name_taken"
  | "webhook_event_not_found"
  | "webhook_delivery_not_found"
  | "webhook_delivery_failed"
  | "webhook_destination_refused";

export const endpointNotFound = (id: number): WebhookError =>
  new WebhookError("webhook_not_found", `webhook endpoint ${id} does not exist`, { status: 404 });

/** A routing rule (`webhook: on-call`) or caller named an endpoint nobody created. */
export const unknownEndpointName = (name: string): WebhookError =>
  new WebhookError(
    "webhook_endpoint_unknown",
    `no webhook endpoint is named '${name}'; create it with POST /v1/webhooks or fix the name in the routing rule`,
    { status: 404 },
  );

export const endpointDisabled = (name: string): WebhookError =>
  new WebhookError(
    "webhook_endpoint_disabled",
    `webhook endpoint '${name}' is disabled; enable it (PATCH /v1/webhooks/{id} {"enabled": true}) to deliver to it`,
    { status: 409 },
  );

export const nameTaken = (name: string): WebhookError =>
  new WebhookError("webhook_name_taken", `a webhook endpoint named '${name}' already exists`, { status: 409 });

export const eventNotFound = (id: number): WebhookError =>
  new WebhookError("webhook_event_not_found", `event ${id} does not exist`, { status: 404 });

/** A failed attempt: retryable, whatever the status (see docs/webhooks.md: a 4xx may be a receiver being redeployed). */
export function deliveryFailed(
  endpoint: string,
  outcome: { statusCode: number | null; error: string | null; refused?: boolean },
): WebhookError {
  if (outcome.refused) {
    // Retrying cannot help until the operator changes webhooks.allowHosts or the URL: dead at once, with the reason.
    return new WebhookError(
      "webhook_destination_refused",
      `webhook endpoint '${endpoint}' was not called: ${outcome.error ?? "refused"}`,
      { status: 400, retryable: false, details: { ...outcome } },
    );
  }
  const what =
    outcome.statusCode !== null
      ? `answered HTTP ${outcome.statusCode}`
      : `could not be reached: ${outcome.error ?? "unknown error"}`;
  return new WebhookError("webhook_delivery_failed", `webhook endpoint '${endpoint}' ${what}`, {
    status: 502,
    retryable: true,
    details: { ...outcome },
  });
}

/** The engine's answer to a second endpoint with the same name. */
export function isUniqueViolation(err: unknown): boolean {
  // SQLite's code, or PostgreSQL's SQLSTATE unique_violation.
  const code = (err as { code?: unknown }).code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
}
