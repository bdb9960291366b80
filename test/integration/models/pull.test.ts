import { existsSync } from "node:fs";
import { readdir, stat, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ModelError } from "../../../src/lib/errors.js";
import { pull, verifyInstalled, type PullEvent } from "../../../src/models/index.js";
import { FixtureServer, fixtureBytes } from "./fixture-server.js";
import { fileEntry, sha256, site, tempDir, testProfileCatalog, writeJson, type Site } from "./helpers.js";

const body = fixtureBytes(300_000, 7);

describe("models pull over HTTP", () => {
  let server: FixtureServer;
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let s: Site;

  /** A site whose extra catalog holds the given entries (URLs point at the fixture server). */
  async function withCatalog(models: unknown[], profiles: Record<string, unknown> = {}): Promise<void> {
    const file = await writeJson(join(tmp.dir, "catalog.json"), { version: 1, models, profiles });
    s = site(tmp.dir, [file]);
  }

  const partialOf = (id: string, file = "model.bin") => join(s.store.root, ".partial", id, file);
  const staged = async () => (existsSync(join(s.store.root, ".tmp")) ? readdir(join(s.store.root, ".tmp")) : []);
  const pullOne = (id: string, extra: Record<string, unknown> = {}) => pull(id, { catalog: s.catalog(), store: s.store, ...extra });

  beforeEach(async () => {
    tmp = await tempDir();
    server = await new FixtureServer().serve("/m/model.bin", body).start();
  });
  afterEach(async () => {
    await server.close();
    await tmp.cleanup();
  });

  it("installs a file model, writes its manifest and clears the partial folder", async () => {
    await withCatalog([fileEntry("m1", `${server.url}/m/model.bin`, body)]);
    const events: PullEvent[] = [];
    const result = await pullOne("m1", { onEvent: (e: PullEvent) => events.push(e) });
    expect(result).toEqual({ installed: ["m1"], skipped: [] });
    const { manifest, dir } = await s.store.require("m1");
    expect(manifest.files).toEqual([{ path: "model.bin", size: body.length, sha256: sha256(body) }]);
    expect(manifest.source).toEqual({ type: "files", urls: [`${server.url}/m/model.bin`] });
    expect((await stat(join(dir, "model.bin"))).size).toBe(body.length);
    expect(existsSync(join(s.store.root, ".partial", "m1"))).toBe(false);
    expect(await staged()).toEqual([]);
    const last = events.filter((e) => e.type === "file:progress").at(-1);
    expect(last).toMatchObject({ done: body.length, total: body.length });
    expect((await verifyInstalled(s.store, "m1", s.catalog().model("m1"))).ok).toBe(true);
    expect(await pullOne("m1")).toEqual({ installed: [], skipped: ["m1"] });
  });

  it("resumes a dropped download from the partial file with a Range request", async () => {
    await withCatalog([fileEntry("m1", `${server.url}/m/model.bin`, body)]);
    server.misbehave("/m/model.bin", "drop-half-once");
    const first = await pullOne("m1", { retries: 0 }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(ModelError);
    expect((first as ModelError).code).toBe("download_interrupted");
    expect(await s.store.get("m1")).toBeNull();
    expect(existsSync(join(s.store.root, "m1"))).toBe(false);
    expect(await staged()).toEqual([]);
    const kept = (await stat(partialOf("m1"))).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(body.length);

    await pullOne("m1", { retries: 0 });
    const requests = server.requestsFor("/m/model.bin");
    expect(requests).toHaveLength(2);
    expect(requests[0]!.range).toBeUndefined();
    expect(requests[1]).toMatchObject({ range: `bytes=${kept}-`, status: 206 });
    expect((await verifyInstalled(s.store, "m1", s.catalog().model("m1"))).ok).toBe(true);
  });

  it("retries an interrupted transfer by itself, resuming where it stopped", async () => {
    await withCatalog([fileEntry("m1", `${server.url}/m/model.bin`, body)]);
    server.misbehave("/m/model.bin", "drop-half-once");
    await pullOne("m1");
    const [a, b] = server.requestsFor("/m/model.bin");
    expect(a!.range).toBeUndefined();
    expect(b!.range).toMatch(/^bytes=\d+-$/);
    expect((await s.store.require("m1")).manifest.files[0]!.sha256).toBe(sha256(body));
  });

  it("keeps finished files when a later file of the model fails, and does not fetch them again", async () => {
    const second = fixtureBytes(20_000, 8);
    server.serve("/m/b.bin", second).misbehave("/m/b.bin", "not-found");
    const entry = fileEntry("two", `${server.url}/m/model.bin`, body);
    entry.files.push({ path: "b.bin", url: `${server.url}/m/b.bin`, size: second.length, sha256: sha256(second) });
    await withCatalog([entry]);
    await expect(pullOne("two")).rejects.toMatchObject({ code: "download_failed" });
    expect(await s.store.get("two")).toBeNull();
    server.misbehave("/m/b.bin", "normal");
    await pullOne("two");
    expect(server.requestsFor("/m/model.bin")).toHaveLength(1);
    expect((await s.store.require("two")).manifest.files.map((f) => f.path)).toEqual(["b.bin", "model.bin"]);
    expect(existsSync(join(s.store.root, ".partial", "two"))).toBe(false);
  });

  it("rejects corrupt bytes: the file is deleted and nothing is installed", async () => {
    await withCatalog([fileEntry("m1", `${server.url}/m/model.bin`, body)]);
    server.misbehave("/m/model.bin", "corrupt");
    const err = (await pullOne("m1").catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("checksum_mismatch");
    expect(err.message).toContain(sha256(body));
    expect(existsSync(join(s.store.root, "m1"))).toBe(false);
    expect(existsSync(partialOf("m1"))).toBe(false);
    expect(await staged()).toEqual([]);
    expect(await s.store.list()).toEqual([]);
  });

  it("restarts cleanly when the server ignores Range and answers 200", async () => {
    await withCatalog([fileEntry("m1", `${server.url}/m/model.bin`, body)]);
    server.misbehave("/m/model.bin", "drop-half-once");
    await pullOne("m1", { retries: 0 }).catch(() => undefined);
    expect((await stat(partialOf("m1"))).size).toBeGreaterThan(0);
    server.misbehave("/m/model.bin", "ignore-range");
    await pullOne("m1", { retries: 0 });
    const last = server.requestsFor("/m/model.bin").at(-1)!;
    expect(last.range).toMatch(/^bytes=\d+-$/);
    expect(last.status).toBe(200);
    expect((await verifyInstalled(s.store, "m1")).ok).toBe(true);
    expect((await s.store.require("m1")).manifest.files[0]).toMatchObject({ size: body.length, sha256: sha256(body) });
  });

  it("answers a 416 (partial longer than the file) by starting over", async () => {
    await withCatalog([fileEntry("m1", `${server.url}/m/model.bin`, body, { withSize: false })]);
    await mkdir(join(s.store.root, ".partial", "m1"), { recursive: true });
    await writeFile(partialOf("m1"), fixtureBytes(body.length + 10, 99));
    await writeFile(`${partialOf("m1")}.part.json`, JSON.stringify({ url: `${server.url}/m/model.bin` }));
    await pullOne("m1", { retries: 0 });
    expect(server.requestsFor("/m/model.bin").map((r) => r.status)).toEqual([416, 200]);
    expect((await s.store.require("m1")).manifest.files[0]!.sha256).toBe(sha256(body));
  });

  it("fails with the HTTP status on a 404 and installs nothing", async () => {
    await withCatalog([fileEntry("m1", `${server.url}/m/missing.bin`, body)]);
    const err = (await pullOne("m1").catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("download_failed");
    expect(err.message).toContain("HTTP 404");
    expect(await s.store.list()).toEqual([]);
    expect(await staged()).toEqual([]);
  });

  it("says how to work air-gapped when the host refuses connections", async () => {
    const port = server.port;
    await server.close();
    await withCatalog([fileEntry("m1", `http://127.0.0.1:${port}/m/model.bin`, body)]);
    const err = (await pullOne("m1").catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("network_unreachable");
    expect(err.message).toContain(`cannot reach 127.0.0.1:${port}: connection refused (ECONNREFUSED)`);
    expect(err.message).toContain("parley models export <profile> bundle.tar");
    expect(err.message).toContain("parley models import bundle.tar");
    server = await new FixtureServer().start(); // afterEach closes it
  });

  it("times out a host that accepts but never answers", async () => {
    await withCatalog([fileEntry("m1", `${server.url}/m/model.bin`, body)]);
    server.misbehave("/m/model.bin", "hang");
    const err = (await pullOne("m1", { timeoutMs: 300 }).catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("network_unreachable");
    expect(err.message).toContain("no answer within 300 ms");
  });

  it("rewrites catalog URLs to a mirror that keeps the upstream path", async () => {
    server.serve("/mirror/Org/repo/resolve/abc/model.bin", body);
    await withCatalog([fileEntry("m1", "https://models.example.invalid/Org/repo/resolve/abc/model.bin", body)]);
    await pullOne("m1", { mirror: `${server.url}/mirror/` });
    expect(server.requests.map((r) => r.path)).toEqual(["/mirror/Org/repo/resolve/abc/model.bin"]);
    expect((await s.store.require("m1")).manifest.source).toEqual({ type: "files", urls: ["https://models.example.invalid/Org/repo/resolve/abc/model.bin"] });
  });

  it("follows redirects, as Hugging Face and GitHub answer with one", async () => {
    server.redirect("/r/model.bin", "/m/model.bin");
    await withCatalog([fileEntry("m1", `${server.url}/r/model.bin`, body)]);
    await pullOne("m1");
    expect(server.requests.map((r) => [r.path, r.status])).toEqual([["/r/model.bin", 302], ["/m/model.bin", 200]]);
  });

  it("stops on abort and keeps the partial file for later", async () => {
    const big = fixtureBytes(8_000_000, 3);
    server.serve("/m/big.bin", big);
    await withCatalog([fileEntry("big", `${server.url}/m/big.bin`, big)]);
    const controller = new AbortController();
    const err = await pullOne("big", {
      signal: controller.signal,
      onEvent: (e: PullEvent) => e.type === "file:progress" && e.done > 1_000_000 && controller.abort(),
    }).catch((e: unknown) => e);
    expect((err as Error).name).toBe("AbortError");
    expect(await s.store.get("big")).toBeNull();
    expect(existsSync(partialOf("big"))).toBe(true);
  });

  it("pulls every model of a profile, then skips them all", async () => {
    const cat = testProfileCatalog(server);
    await withCatalog(cat.models, cat.profiles);
    const first = await pull("testprof", { catalog: s.catalog(), store: s.store });
    expect(first.installed.sort()).toEqual(["t-asr-batch", "t-asr-live", "t-llm", "t-tts", "t-vad"]);
    const second = await pull("testprof", { catalog: s.catalog(), store: s.store });
    expect(second).toEqual({ installed: [], skipped: ["t-vad", "t-asr-live", "t-asr-batch", "t-llm", "t-tts"] });
  });

  it("names an unknown target", async () => {
    await withCatalog([]);
    const err = (await pullOne("nope").catch((e: unknown) => e)) as ModelError;
    expect(err.code).toBe("model_unknown");
    expect(err.message).toContain("no model or profile named 'nope'");
  });
});
