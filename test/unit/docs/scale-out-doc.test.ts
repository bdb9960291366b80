import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validate } from "../../../src/config/index.js";
import { repoRoot } from "../../helpers/paths.js";

const doc = readFileSync(join(repoRoot, "docs", "scale-out.md"), "utf8");

/** docs/scale-out.md's node configuration is real: the schema accepts it as written, with the values it explains. */
describe("docs/scale-out.md", () => {
  it("shows a node configuration that Parley's schema accepts", () => {
    // The node configuration is the YAML block that sets up SIP (the doc has smaller ones before it).
    const start = doc.indexOf("```yaml\nstore:") + "```yaml\n".length;
    const block = doc.slice(start, doc.indexOf("```", start));
    const config = validate(parse(block) as Record<string, unknown>);
    expect(config.sip.allow).toEqual(["10.0.0.5/32"]);
    expect(config.sip.publicAddress).toBe("10.0.0.11");
    expect(config.calls.drainMs).toBe(30_000);
    expect(config.models.dir).toBe("/srv/parley-models");
    expect(config.store.url).toBe("postgres://parley:change-me@10.0.0.4:5432/parley");
  });

  it("names the defines that deploy/kamailio/kamailio.cfg really has", () => {
    const cfg = readFileSync(join(repoRoot, "deploy", "kamailio", "kamailio.cfg"), "utf8");
    for (const m of doc.matchAll(/^\| `([A-Z_]+)` \| `([^`]+)` \|/gm))
      expect(cfg).toContain(`#!define ${m[1]} ${m[2]}`);
    expect([...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].length).toBe(3);
  });
});
