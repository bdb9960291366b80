import { describe, expect, it } from "vitest";
import { notifySection } from "../../../src/config/sections/notify.js";
import { decideRetry } from "../../../src/notify/retry-policy.js";

const MIN = 60_000;

describe("retry policy per outcome", () => {
  const policy = notifySection.parse({}).retry;

  it("ends on a person reached or an opt-out", () => {
    expect(decideRetry("delivered_human", 1, policy)).toEqual({ retry: false, status: "completed" });
    expect(decideRetry("opted_out", 1, policy)).toEqual({ retry: false, status: "completed" });
  });

  it("retries no answer after 30 min, up to 3 times, then fails", () => {
    expect([1, 2, 3].map((n) => decideRetry("no_answer", n, policy))).toEqual(
      Array(3).fill({ retry: true, afterMs: 30 * MIN }),
    );
    expect(decideRetry("no_answer", 4, policy)).toEqual({ retry: false, status: "failed" });
  });

  it("retries busy after 5 min; backs off failures, doubling up to the cap", () => {
    expect(decideRetry("busy", 2, policy)).toEqual({ retry: true, afterMs: 5 * MIN });
    expect([1, 2, 3].map((n) => decideRetry("failed", n, policy))).toEqual(
      [1, 2, 4].map((m) => ({ retry: true, afterMs: m * MIN })),
    );
    const capped = notifySection.parse({ retry: { failed: { retries: 10, afterMs: MIN, maxAfterMs: 5 * MIN } } }).retry;
    expect(decideRetry("failed", 8, capped)).toEqual({ retry: true, afterMs: 5 * MIN });
  });

  it("treats a message left on a machine as done, unless configured to try again for a person", () => {
    expect(decideRetry("delivered_voicemail", 1, policy)).toEqual({ retry: false, status: "completed" });
    const again = notifySection.parse({ retry: { voicemail: { retries: 1, afterMs: 60 * MIN } } }).retry;
    expect(decideRetry("delivered_voicemail", 1, again)).toEqual({ retry: true, afterMs: 60 * MIN });
    expect(decideRetry("delivered_voicemail", 2, again)).toEqual({ retry: false, status: "completed" });
  });
});
