import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelError } from "../../../src/lib/errors.js";
import { pull, verifyInstalled } from "../../../src/models/index.js";
import { FixtureServer, fixtureBytes } from "./fixture-server.js";
import { fileEntry, sha256, site, tempDir, writeJson, type Site } from "./helpers.js";

const body = fixtureBytes(50_000, 5);

describe("model store", () => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let server: FixtureServer;
  let s: Site;

  beforeEach(async () => {
    tmp = await tempDir();
    server = await new FixtureServer().serve("/m.bin", body).start();
    s = site(tmp.dir, [await writeJson(join(tmp.dir, "c.json"), { version: 1, models: [fileEntry("m1", `${server.url}/m.bin`, body)], profiles: {} })]);
    await pull("m1", { catalog: s.catalog(), store: s.store });
  });
  afterEach(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it("require() of a missing model says how to get it", async () => {
    const err = (await s.store.require("qwen2.5-0.5b-instruct-q4_k_m").catch((e: unknown) => e)) as ModelError;
    expect(err).toBeInstanceOf(ModelError);
    expect(err.code).toBe("model_missing");
    expect(err.message).toContain("parley models pull qwen2.5-0.5b-instruct-q4_k_m");
    expect(err.message).toContain("parley models import <bundle.tar>");
  });

  it("requireRef() hands engines the catalog entry and the folder", async () => {
    const ref = await s.store.requireRef(s.catalog(), "m1");
    expect(ref.model.config).toEqual({ file: "model.bin" });
    expect(ref.dir).toBe(join(s.store.root, "m1"));
  });

  it("lists only folders that hold a manifest", async () => {
    await mkdir(join(s.store.root, "half-copied"), { recursive: true });
    await writeFile(join(s.store.root, "half-copied", "x.onnx"), "x");
    expect((await s.store.list()).map((m) => m.id)).toEqual(["m1"]);
  });

  it("rm removes the folder; removing again reports false", async () => {
    expect(await s.store.remove("m1")).toBe(true);
    expect(existsSync(join(s.store.root, "m1"))).toBe(false);
    expect(await s.store.list()).toEqual([]);
    expect(await s.store.remove("m1")).toBe(false);
  });

  it("rejects ids that could escape the store", () => {
    expect(() => s.store.dirOf("../etc")).toThrow(/not a valid model id/);
  });

  it("verify finds altered and missing files", async () => {
    const file = join(s.store.root, "m1", "model.bin");
    const altered = Buffer.from(body);
    altered[100] = (altered[100] ?? 0) ^ 0xff;
    await writeFile(file, altered);
    const changed = await verifyInstalled(s.store, "m1", s.catalog().model("m1"));
    expect(changed.ok).toBe(false);
    expect(changed.problems).toEqual([{ path: "model.bin", problem: "sha256", expected: sha256(body), actual: sha256(altered) }]);
    await rm(file);
    const missing = await verifyInstalled(s.store, "m1");
    expect(missing.problems).toEqual([{ path: "model.bin", problem: "missing" }]);
  });

  it("verify checks the catalog hash too, not only the manifest", async () => {
    const altered = fixtureBytes(50_000, 6);
    await writeFile(join(s.store.root, "m1", "model.bin"), altered);
    const manifestFile = join(s.store.root, "m1", "manifest.json");
    const { manifest } = await s.store.require("m1");
    await writeFile(manifestFile, JSON.stringify({ ...manifest, files: [{ path: "model.bin", size: altered.length, sha256: sha256(altered) }] }));
    expect((await verifyInstalled(s.store, "m1")).ok).toBe(true);
    const report = await verifyInstalled(s.store, "m1", s.catalog().model("m1"));
    expect(report.problems).toEqual([{ path: "model.bin", problem: "catalog_sha256", expected: sha256(body), actual: sha256(altered) }]);
  });

  it("a forced pull replaces an install in one rename", async () => {
    const before = (await s.store.require("m1")).manifest.installedAt;
    await new Promise((r) => setTimeout(r, 5));
    const result = await pull("m1", { catalog: s.catalog(), store: s.store, force: true });
    expect(result.installed).toEqual(["m1"]);
    expect((await s.store.require("m1")).manifest.installedAt).not.toBe(before);
  });
});
