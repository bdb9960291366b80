import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { domainEventFields, domainEventTypes } from "../../../src/events/types.js";
import { verifySignature } from "../../../src/lib/signature.js";
import { repoRoot } from "../../helpers/paths.js";

const doc = readFileSync(join(repoRoot, "docs", "webhooks.md"), "utf8");

/** The rows of the table under "## Events": type -> the data fields its third column names. */
function documentedEvents(): Map<string, string[]> {
  const section = doc.slice(doc.indexOf("## Events"), doc.indexOf("\n## ", doc.indexOf("## Events") + 1));
  const rows = new Map<string, string[]>();
  for (const line of section.split("\n")) {
    const m = /^\| `([a-z]+\.[a-z.]+)` \| [^|]+ \| `([^`]*)`/.exec(line);
    if (m?.[1] && m[2] !== undefined)
      rows.set(
        m[1],
        m[2]
          .split(",")
          .map((f) => f.trim())
          .filter(Boolean),
      );
  }
  return rows;
}

/** Issue 10, item 24: docs/webhooks.md is held to the typed event map and to the signature code. */
describe("docs/webhooks.md", () => {
  it("lists every event type, with exactly its data fields, in the map's order", () => {
    const documented = documentedEvents();
    expect([...documented.keys()].sort()).toEqual([...domainEventTypes].sort());
    for (const type of domainEventTypes) expect(documented.get(type), type).toEqual([...domainEventFields[type]]);
  });

  it("shows an example request whose signature verifies with the documented secret", () => {
    const block = doc.slice(doc.indexOf("```http"), doc.indexOf("```", doc.indexOf("```http") + 7));
    const header = /^Parley-Signature: (.+)$/m.exec(block)?.[1];
    const body = block.trimEnd().split("\n").at(-1) ?? "";
    const secret = /example secret `(whsec_[A-Za-z0-9_-]+)`/.exec(doc)?.[1];
    expect(header && secret).toBeTruthy();
    const t = Number(/t=(\d+)/.exec(header!)?.[1]);
    expect(verifySignature(header!, secret!, body, t)).toBe(true);
    expect(verifySignature(header!, secret!, body.replace("42", "43"), t)).toBe(false);
    expect((JSON.parse(body) as { createdAt: string }).createdAt).toMatch(
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
    );
  });
});
