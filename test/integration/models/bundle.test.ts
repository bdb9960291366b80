import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { list as listTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelError } from "../../../src/lib/errors.js";
import { exportBundle, importBundle, pull, verifyInstalled, type ExportResult } from "../../../src/models/index.js";
import { FixtureServer } from "./fixture-server.js";
import { profileFiles, sha256, site, tempDir, testProfileCatalog, writeJson, type Site } from "./helpers.js";

const ids = ["t-asr-batch", "t-asr-live", "t-llm", "t-tts", "t-vad"];

describe("bundles for air-gapped sites", () => {
  let server: FixtureServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let connected: Site;
  let bundle: string;
  let bytes: Buffer;
  let exported: ExportResult;

  beforeAll(async () => {
    tmp = await tempDir();
    server = await new FixtureServer().start();
    const catalogFile = await writeJson(join(tmp.dir, "site-catalog.json"), testProfileCatalog(server));
    connected = site(join(tmp.dir, "connected"), [catalogFile]);
    await pull("testprof", { catalog: connected.catalog(), store: connected.store });
    bundle = join(tmp.dir, "testprof.tar");
    exported = await exportBundle("testprof", bundle, { catalog: connected.catalog(), store: connected.store });
    bytes = await readFile(bundle);
  });
  afterAll(async () => {
    await server.close();
    await tmp.cleanup();
  });

  /** A fresh air-gapped site: no network, and a catalog that has never heard of the test models. */
  const airGapped = (name: string) => site(join(tmp.dir, name));

  it("writes bundle.json first, then every model file under models/<id>/", async () => {
    const paths: string[] = [];
    await listTar({ file: bundle, onReadEntry: (e) => void paths.push(e.path) });
    expect(paths[0]).toBe("bundle.json");
    for (const [id, f] of Object.entries(profileFiles)) {
      expect(paths).toContain(`models/${id}/${f.file}`);
      expect(paths).toContain(`models/${id}/manifest.json`);
    }
    expect(paths.some((p) => p.includes(".tmp") || p.includes("export-"))).toBe(false);
    expect(existsSync(join(connected.store.root, ".tmp")) ? await readdir(join(connected.store.root, ".tmp")) : []).toEqual([]);
  });

  it("imports into a site whose catalog does not know the models, and they verify", async () => {
    const target = airGapped("site-a");
    expect(target.catalog().findModel("t-llm")).toBeUndefined();
    const result = await importBundle(bundle, { catalog: target.catalog(), store: target.store });
    expect(result.profile).toBe("testprof");
    expect(result.sha256).toBe(exported.sha256);
    expect(result.sha256).toBe(sha256(bytes));
    expect([...result.installed].sort()).toEqual(ids);
    const catalog = target.catalog(); // now includes the entries the bundle carried
    expect(catalog.resolveProfile("testprof").models.llm.id).toBe("t-llm");
    for (const id of ids) {
      const report = await verifyInstalled(target.store, id, catalog.model(id));
      expect(report.ok).toBe(true);
      const { manifest } = await target.store.require(id);
      expect(manifest.importedFrom).toBe("testprof.tar");
    }
    const again = await importBundle(bundle, { catalog, store: target.store });
    expect(again).toEqual({ profile: "testprof", installed: [], unchanged: result.installed, sha256: result.sha256 });
  });

  it("rejects a tampered bundle and installs nothing", async () => {
    const target = airGapped("site-b");
    const tampered = Buffer.from(bytes);
    const at = tampered.indexOf(profileFiles["t-llm"].bytes.subarray(1000, 1064));
    expect(at).toBeGreaterThan(0);
    tampered[at + 10] = (tampered[at + 10] ?? 0) ^ 0x01;
    const file = join(tmp.dir, "tampered.tar");
    await writeFile(file, tampered);
    const err = (await importBundle(file, { catalog: target.catalog(), store: target.store }).catch((e: unknown) => e)) as ModelError;
    expect(err).toBeInstanceOf(ModelError);
    expect(err.code).toBe("bundle_invalid");
    expect(err.message).toContain("models/t-llm/model.gguf does not match its sha256");
    expect(err.message).toContain("nothing was installed");
    expect(await target.store.list()).toEqual([]);
    expect(await readdir(join(target.store.root, ".tmp"))).toEqual([]);
    expect(existsSync(join(target.store.root, ".catalog"))).toBe(false);
  });

  it("rejects a truncated bundle and installs nothing", async () => {
    const target = airGapped("site-c");
    const file = join(tmp.dir, "truncated.tar");
    await writeFile(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const err = (await importBundle(file, { catalog: target.catalog(), store: target.store }).catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("bundle_invalid");
    expect(err.message).toMatch(/truncated/);
    expect(await target.store.list()).toEqual([]);
  });

  it("rejects a tar that is not a Parley bundle", async () => {
    const target = airGapped("site-d");
    const file = join(tmp.dir, "other.tar");
    const { create } = await import("tar");
    await writeFile(join(tmp.dir, "readme.txt"), "hello");
    await create({ file, cwd: tmp.dir }, ["readme.txt"]);
    const err = (await importBundle(file, { catalog: target.catalog(), store: target.store }).catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("bundle_invalid");
    expect(err.message).toContain("comes before bundle.json");
  });

  it("refuses to export a profile whose models are not all installed", async () => {
    const err = (await exportBundle("testprof", join(tmp.dir, "x.tar"), { catalog: airGapped("empty").catalog(), store: airGapped("empty").store }).catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("profile_unknown");
    const partialSite = site(join(tmp.dir, "partial"), [join(tmp.dir, "site-catalog.json")]);
    await pull("t-vad", { catalog: partialSite.catalog(), store: partialSite.store });
    const missing = (await exportBundle("testprof", join(tmp.dir, "y.tar"), { catalog: partialSite.catalog(), store: partialSite.store }).catch((e: unknown) => e)) as ModelError;
    expect(missing.code).toBe("model_missing");
    expect(existsSync(join(tmp.dir, "y.tar"))).toBe(false);
  });
});
