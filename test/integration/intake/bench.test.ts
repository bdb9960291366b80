import { describe, expect, it } from "vitest";
import { benchIntake } from "../../../src/bench/intake/intake-bench.js";

describe("parley bench intake", () => {
  it("measures both intakes end to end on 127.0.0.1 and reports the spread", async () => {
    const report = await benchIntake({ mails: 3, files: 2, stableMs: 100, pollMs: 50, recordingMs: 1000 });
    expect(report.smtp.mails).toBe(3);
    expect(report.folders).toMatchObject({ files: 2, stableMs: 100, pollMs: 50 });
    for (const spread of [report.smtp.handoffMs, report.smtp.replyMs, report.folders.handoffMs]) {
      expect(spread.p50).toBeGreaterThan(0);
      expect(spread.max).toBeGreaterThanOrEqual(spread.p95);
    }
    // A recording is taken only after it held still for stableMs.
    expect(report.folders.handoffMs.p50).toBeGreaterThanOrEqual(100);
    expect(report.recording.bytes).toBe(44 + 8000 * 2);
  });
});
