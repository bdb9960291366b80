import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKnowledgeHost, type KnowledgeHost } from "../../../src/app/knowledge.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { repoRoot } from "../../helpers/paths.js";

/**
 * Documents an agent lists in its YAML (`knowledge: [paths]`) are indexed
 * when the server starts, with the profile's embedding model (tiny-embed on
 * `tiny`), and indexed again only when their bytes changed. An agent made
 * through the API may not make the server read files outside agents.dir.
 */
describe("documents listed in agent definitions", () => {
  let dir: string;
  let t: TestApp;
  const hosts: KnowledgeHost[] = [];
  const FAQ = "# Hours\n\n## When are you open?\n\nWeekdays from 8 to 18.\n";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-agent-docs-"));
    mkdirSync(join(dir, "docs"));
    writeFileSync(join(dir, "docs", "faq.md"), FAQ);
    writeFileSync(join(dir, "outside.md"), "# Secret\n\nNot for the API.\n");
    const agents = join(dir, "agents");
    mkdirSync(agents);
    writeFileSync(
      join(agents, "front.yaml"),
      "name: front\nsystemPrompt: You answer questions.\ntools:\n  - type: builtin\n    name: search_knowledge\nknowledge:\n  - ../docs/faq.md\n  - missing.md\n",
    );
    t = await createTestApp({ config: { agents: { dir: agents, default: "front" } } });
    await t.services.agents.save({ name: "sneaky", systemPrompt: "Hi.", knowledge: [join(dir, "outside.md")] });
  });
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** What `parley serve` does once its engines are up, as a fresh start over the same database. */
  const restart = async () => {
    const host = createKnowledgeHost({
      sql: t.services.sql,
      db: t.services.db,
      config: t.services.config,
      clock: t.services.clock,
      logger: silentLogger(),
    });
    hosts.push(host);
    await host.start({ cwd: repoRoot, agents: () => t.services.agents.list() });
    return host.knowledge;
  };

  it("indexes them at start with vectors, skips a missing file and an API agent's file outside agents.dir", async () => {
    await t.services.knowledgeHost.start({ cwd: repoRoot, agents: () => t.services.agents.list() });
    const kb = t.services.knowledge;
    expect((await kb.listDocuments("front")).map((d) => [d.name, d.version])).toEqual([["faq.md", 1]]);
    const status = await kb.status("front");
    expect(status).toMatchObject({ documents: 1, embedModel: "tiny-embed" });
    expect(status.vectors).toBe(status.chunks);
    expect((await kb.search("front", "when are you open")).mode).toBe("hybrid");
    expect(await kb.listDocuments("sneaky")).toEqual([]);
  });

  it("indexes a document again only when its bytes changed", async () => {
    expect((await (await restart()).listDocuments("front")).map((d) => d.version)).toEqual([1]);
    writeFileSync(join(dir, "docs", "faq.md"), FAQ.replace("8 to 18", "7 to 19"));
    const kb = await restart();
    expect((await kb.listDocuments("front")).map((d) => d.version)).toEqual([2]);
    expect((await kb.search("front", "open weekdays")).hits[0]?.text).toContain("7 to 19");
  });
});
