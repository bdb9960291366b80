import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scratchDir } from "../../helpers/scratch.js";
import { loadAgentDir, loadAgentFile, parseAgent } from "../../../src/agent/load.js";
import { normalizeFormValues } from "../../../src/agent/extraction/form-values.js";
import { repoRoot } from "../../helpers/paths.js";

describe("agent definitions", () => {
  it("loads the shipped agents", () => {
    const agents = loadAgentDir(join(repoRoot, "agents"));
    expect(agents.map((a) => a.name)).toContain("receptionist");
  });

  it("names the file, the field and the reason", () => {
    const dir = scratchDir("agents");
    const file = join(dir, "sales.yaml");
    writeFileSync(
      file,
      "name: sales\nsystemPrompt: hi\nlive:\n  bargeInMinMs: 5\ntools:\n  - type: builtin\n    name: transfer\n",
    );
    expect(() => loadAgentFile(file)).toThrow(new RegExp(`^${file}: .*live.bargeInMinMs: Too small`));
    expect(() => loadAgentFile(file)).toThrow(/tools.0.target: transfer needs a target SIP URI/);
  });

  it("rejects unknown fields, duplicate tools, a name that does not match the file, and enum fields without values", () => {
    expect(() => parseAgent({ name: "a", systemPrompt: "x", colour: "red" }, "api")).toThrow(/colour/);
    expect(() =>
      parseAgent(
        {
          name: "a",
          systemPrompt: "x",
          tools: [
            { type: "builtin", name: "hangup" },
            { type: "builtin", name: "hangup" },
          ],
        },
        "api",
      ),
    ).toThrow(/defined twice/);
    const dir = scratchDir("agents");
    writeFileSync(join(dir, "b.yaml"), "name: a\nsystemPrompt: x\n");
    expect(() => loadAgentFile(join(dir, "b.yaml"))).toThrow(/must match the file name 'b'/);
    expect(() =>
      parseAgent(
        { name: "a", systemPrompt: "x", form: { mailboxes: ["1"], fields: [{ name: "size", type: "enum" }] } },
        "api",
      ),
    ).toThrow(/form.fields.0.values: an enum field needs values/);
  });

  it("normalises form values to their types and flags missing required fields", () => {
    const fields = parseAgent(
      {
        name: "f",
        systemPrompt: "x",
        form: {
          mailboxes: ["9"],
          fields: [
            { name: "name", type: "text", required: true },
            { name: "qty", type: "number" },
            { name: "when", type: "date", required: true },
            { name: "phone", type: "phone", required: true },
            { name: "size", type: "enum", values: ["small", "large"] },
            { name: "gift", type: "boolean" },
          ],
        },
      },
      "t",
    ).form!.fields;
    const r = normalizeFormValues(
      fields,
      {
        summary: "An order.",
        name: "Alice",
        qty: "3",
        when: "next week",
        phone: "(415) 555-0123",
        size: "LARGE",
        gift: "yes",
      },
      "1",
    );
    expect(r.values).toEqual({ name: "Alice", qty: 3, when: null, phone: "+14155550123", size: "large", gift: true });
    expect(r.missing).toEqual(["when"]);
    expect(r.invalid).toEqual([{ field: "when", value: "next week", reason: "not a date as YYYY-MM-DD" }]);
  });
});
