import { describe, expect, it } from "vitest";
import { benchRtp } from "../../../src/bench/rtp-bench.js";

// Shape only: the figures themselves are for `parley bench`, never asserted (shared, noisy machines).
describe("benchRtp", () => {
  it("runs a small loopback fleet and reports JSON-able figures", async () => {
    const report = await benchRtp({ sessions: [3], seconds: 0.5 });
    expect(report.bench).toBe("rtp");
    const run = report.runs[0]!;
    expect(run.sessions).toBe(4); // rounded up to pairs
    expect(run.packetsOutPerSecond).toBeGreaterThan(0);
    expect(run.receive.malformed).toBe(0);
    expect(typeof run.sendLatenessMs.p99).toBe("number");
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
