import { describe, expect, it } from "vitest";
import { eventEnvelope } from "../../../src/events/envelope.js";
import { verifySignature } from "../../../src/lib/signature.js";
import { deliveryKey } from "../../../src/webhooks/index.js";
import { webhookHeaders } from "../../../src/webhooks/request.js";

describe("webhook request", () => {
  const body = JSON.stringify(
    eventEnvelope({ id: 42, type: "voicemail.urgent", createdAt: 1_700_000_000_000, data: { voicemailId: 7 } }),
  );

  it("carries the event, the delivery id, the idempotency key and a signature over the exact body", () => {
    const h = webhookHeaders({
      body,
      eventType: "voicemail.urgent",
      deliveryId: 9,
      idempotencyKey: deliveryKey(42, 3),
      secret: "whsec_test",
      nowSec: 1_700_000_100,
    });
    expect(h).toMatchObject({
      "Content-Type": "application/json",
      "Parley-Event": "voicemail.urgent",
      "Parley-Delivery": "9",
      "Idempotency-Key": "event-42-endpoint-3",
    });
    expect(h["Parley-Signature"]).toMatch(/^t=1700000100,v1=[0-9a-f]{64}$/);
    expect(verifySignature(h["Parley-Signature"] ?? "", "whsec_test", body, 1_700_000_120)).toBe(true);
    expect(verifySignature(h["Parley-Signature"] ?? "", "whsec_test", body.replace("7", "8"), 1_700_000_120)).toBe(
      false,
    );
  });

  it("sends the envelope fields only", () => {
    expect(JSON.parse(body)).toEqual({
      id: 42,
      type: "voicemail.urgent",
      createdAt: "2023-11-14T22:13:20.000Z",
      data: { voicemailId: 7 },
    });
    expect(
      eventEnvelope({ id: 1, type: "t", createdAt: 2, data: null, subject: "x:1" } as Parameters<
        typeof eventEnvelope
      >[0]),
    ).toEqual({ id: 1, type: "t", createdAt: "1970-01-01T00:00:00.002Z", data: null });
  });
});
