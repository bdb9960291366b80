import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signPayload, verifySignature } from "../../src/lib/signature.js";

describe("webhook signatures", () => {
  it("is HMAC-SHA256 of '<t>.<body>' in hex", () => {
    const expected = createHmac("sha256", "s3cret").update('1700000000.{"a":1}').digest("hex");
    expect(signPayload("s3cret", 1700000000, '{"a":1}')).toBe(`t=1700000000,v1=${expected}`);
  });

  it("verifies a fresh signature and rejects tampering, a wrong secret and replays", () => {
    const h = signPayload("s3cret", 1000, "body");
    expect(verifySignature(h, "s3cret", "body", 1010)).toBe(true);
    expect(verifySignature(h, "s3cret", "body!", 1010)).toBe(false);
    expect(verifySignature(h, "other", "body", 1010)).toBe(false);
    expect(verifySignature(h, "s3cret", "body", 1000 + 3600)).toBe(false);
    expect(verifySignature("garbage", "s3cret", "body", 1000)).toBe(false);
  });
});
