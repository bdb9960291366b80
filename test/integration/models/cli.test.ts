import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCliInProcess } from "../../helpers/cli.js";
import { FixtureServer } from "./fixture-server.js";
import { tempDir, testProfileCatalog, writeJson } from "./helpers.js";

const parley = (cwd: string, ...argv: string[]) => runCliInProcess(argv, cwd);

describe("parley models (CLI)", () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: FixtureServer;
  const ids = ["t-vad", "t-asr-live", "t-asr-batch", "t-llm", "t-tts"];

  beforeAll(async () => {
    tmp = await tempDir();
    server = await new FixtureServer().start();
    await writeJson(join(tmp.dir, "site-catalog.json"), testProfileCatalog(server));
    // The config names the site catalog relative to the working directory, as an operator would.
    await writeFile(join(tmp.dir, "parley.yaml"), "models:\n  extraCatalogs: [site-catalog.json]\n");
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it("lists catalog models with their installed state as JSON", async () => {
    const r = await parley(tmp.dir, "models", "list", "--json", "--data-dir", "a");
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out) as {
      modelsDir: string;
      models: Array<{ id: string; installed: boolean; profiles: string[]; kind: string }>;
      profiles: Array<{ name: string; languages: Record<string, Record<string, string>> }>;
    };
    expect(doc.modelsDir).toBe(join(tmp.dir, "a", "models"));
    expect(doc.models.find((m) => m.id === "t-llm")).toMatchObject({ installed: false, profiles: ["testprof"], kind: "llm" });
    expect(doc.models.find((m) => m.id === "qwen2.5-0.5b-instruct-q4_k_m")?.profiles).toEqual(["small", "small-de", "small-fr", "small-es"]);
    // A profile's language entries are part of what it lists, and their models say which profiles use them.
    expect(doc.profiles.find((p) => p.name === "multilingual")?.languages.de?.tts).toBe("piper-de_de-thorsten-medium");
    expect(doc.models.find((m) => m.id === "piper-de_de-thorsten-medium")?.profiles).toEqual(["multilingual"]);
  });

  it("filters the human table by profile", async () => {
    const r = await parley(tmp.dir, "models", "list", "--profile", "testprof", "--data-dir", "a");
    expect(r.code).toBe(0);
    // The models table, then a blank line and the profile table.
    const [models, profiles] = r.out.trim().split("\n\n").map((t) => t.split("\n"));
    expect(models![0]).toMatch(/^ID\s+KIND\s+ENGINE\s+SIZE\s+INSTALLED\s+PROFILES\s+LICENSE$/);
    expect(models!.slice(2).map((l) => l.split(/\s+/)[0])).toEqual(ids);
    expect(profiles![2]).toMatch(/^testprof\s/);
  });

  it("shows each model's licence in the table (issue 10, item 25)", async () => {
    const r = await parley(tmp.dir, "models", "list", "--profile", "small", "--data-dir", "a");
    expect(r.code).toBe(0);
    const piper = r.out.split("\n").find((l) => l.startsWith("piper-en_us-amy-low"));
    expect(piper).toMatch(/CC-BY-SA-4\.0 AND GPL-3\.0-or-later\s*$/);
    expect(r.out.split("\n").find((l) => l.startsWith("qwen2.5-0.5b"))).toMatch(/Apache-2\.0\s*$/);
  });

  it("pulls a profile with progress on stderr, verifies, exports, imports elsewhere and removes", async () => {
    const pulled = await parley(tmp.dir, "models", "pull", "testprof", "--json", "--data-dir", "a");
    expect(pulled.code).toBe(0);
    expect(JSON.parse(pulled.out)).toEqual({ target: "testprof", installed: ids, skipped: [] });
    expect(pulled.err).toContain("t-llm/model.gguf [");
    expect(pulled.err).toContain("t-llm: installed (1 files");

    const verified = await parley(tmp.dir, "models", "verify", "--json", "--data-dir", "a");
    expect(verified.code).toBe(0);
    const report = JSON.parse(verified.out) as { ok: boolean; models: Array<{ id: string; ok: boolean }> };
    expect(report.ok).toBe(true);
    expect(report.models.map((m) => m.id).sort()).toEqual([...ids].sort());

    const exported = await parley(tmp.dir, "models", "export", "testprof", "bundle.tar", "--json", "--data-dir", "a");
    expect(exported.code).toBe(0);
    const ex = JSON.parse(exported.out) as { file: string; models: string[]; sha256: string };
    expect(ex.file).toBe(join(tmp.dir, "bundle.tar"));
    expect(ex.models).toEqual(ids);

    // The receiving site has no site catalog: the bundle brings the entries with it.
    const gapped = join(tmp.dir, "gapped");
    const imported = await parley(gapped, "models", "import", join(tmp.dir, "bundle.tar"), "--json", "--data-dir", "b");
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.out)).toEqual({ profile: "testprof", installed: ids, unchanged: [], sha256: ex.sha256 });
    const listed = JSON.parse((await parley(gapped, "models", "list", "--json", "--profile", "testprof", "--data-dir", "b")).out) as { models: Array<{ installed: boolean }> };
    expect(listed.models.every((m) => m.installed)).toBe(true);

    const removed = await parley(tmp.dir, "models", "rm", "t-tts", "--json", "--data-dir", "a");
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.out)).toEqual({ removed: "t-tts" });
    expect(existsSync(join(tmp.dir, "a", "models", "t-tts"))).toBe(false);

    // Seen from a directory without the site catalog, installed models are still listed.
    const foreign = JSON.parse((await parley(gapped, "models", "list", "--json", "--data-dir", join(tmp.dir, "a"))).out) as { models: Array<{ id: string }> };
    expect(foreign.models.find((m) => m.id === "t-llm")).toMatchObject({ installed: true, description: "(not in the catalog)", kind: "llm" });
  });

  it("exits non-zero with a one-line reason when verification fails", async () => {
    await parley(tmp.dir, "models", "pull", "t-vad", "--data-dir", "c");
    await writeFile(join(tmp.dir, "c", "models", "t-vad", "vad.onnx"), "not the model");
    const r = await parley(tmp.dir, "models", "verify", "--data-dir", "c");
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/t-vad\s+FAILED/);
    expect(r.err.trim().split("\n")).toEqual(["parley models verify: 1 model(s) failed verification: t-vad"]);
  });

  it("fails with one line for an unknown target, a missing model and a bad subcommand", async () => {
    const unknown = await parley(tmp.dir, "models", "pull", "nosuch", "--data-dir", "a");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe("parley models: no model or profile named 'nosuch' in the catalog; see `parley models list`\n");
    const rm = await parley(tmp.dir, "models", "rm", "t-tts", "--data-dir", "empty");
    expect(rm.code).toBe(1);
    expect(rm.err.trim().split("\n")).toHaveLength(1);
    const bad = await parley(tmp.dir, "models", "frob");
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown subcommand 'frob'");
  });

  it("prints usage with --help", async () => {
    const r = await parley(tmp.dir, "models", "--help");
    expect(r.code).toBe(0);
    expect(r.out).toContain("parley models <subcommand>");
  });
});
