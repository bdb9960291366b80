import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { callOutcomes, parseCallOutcome } from "../../../src/calls/outcomes.js";
import { notificationAttemptOutcomes } from "../../../src/notify/outcome-names.js";
import { repoRoot } from "../../helpers/paths.js";

/** The first column of every table row (`| \`name\` | ...`) after `heading` in a doc, up to the next blank line after the table. */
function tableNames(file: string, header: string): string[] {
  const text = readFileSync(join(repoRoot, "docs", file), "utf8");
  const at = text.indexOf(header);
  expect(at, `${file} has a table headed '${header}'`).toBeGreaterThanOrEqual(0);
  const names: string[] = [];
  for (const line of text.slice(at).split("\n").slice(2)) {
    const m = /^\s*\| `([a-z_-]+)` \|/.exec(line);
    if (!m?.[1]) break;
    names.push(m[1]);
  }
  return names;
}

/** Issue 10, items 23 and 24: one outcome style, and every outcome documented. */
describe("outcome names", () => {
  it("are snake_case everywhere", () => {
    for (const name of [...callOutcomes, ...notificationAttemptOutcomes]) expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it("docs/calls.md lists every call outcome, and old hyphenated spellings still parse", () => {
    expect(tableNames("calls.md", "| outcome | the call ended because |")).toEqual([...callOutcomes]);
    expect(parseCallOutcome("caller-hangup")).toBe("caller_hangup");
    expect(parseCallOutcome("no-answer")).toBe("no_answer");
    expect(parseCallOutcome("hung-up")).toBeNull();
  });

  it("docs/notifications.md lists every notification attempt outcome", () => {
    expect(tableNames("notifications.md", "| outcome | meaning | default policy |")).toEqual([
      ...notificationAttemptOutcomes,
    ]);
  });
});
