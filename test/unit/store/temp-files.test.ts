import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DiskFullError, isDiskFull } from "../../../src/store/errors.js";
import { sweepTempFiles, writeFileAtomic } from "../../../src/store/files/index.js";
import { scratchDir } from "../../helpers/scratch.js";

describe("temporary files", () => {
  it("sweeps stale *.tmp-* files at any depth, keeping fresh ones (a writer may be busy) and every other file", async () => {
    const dir = scratchDir("parley-sweep");
    mkdirSync(join(dir, "ab"), { recursive: true });
    const stale = join(dir, "ab", "abcd.wav.tmp-0123456789ab");
    const fresh = join(dir, "ab", "abce.wav.tmp-0123456789ac");
    const real = join(dir, "ab", "abcd.wav");
    for (const f of [stale, fresh, real]) writeFileSync(f, "x");
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(stale, hourAgo, hourAgo);
    utimesSync(real, hourAgo, hourAgo);
    expect(await sweepTempFiles(dir, Date.now())).toBe(1);
    expect(readdirSync(join(dir, "ab")).sort()).toEqual(["abcd.wav", "abce.wav.tmp-0123456789ac"]);
    expect(await sweepTempFiles(join(dir, "missing"), Date.now())).toBe(0);
  });

  it("leaves no temporary file when a write fails", async () => {
    const dir = scratchDir("parley-atomic");
    // Renaming a file over a directory fails after the temporary file was fully written.
    mkdirSync(join(dir, "target"));
    await expect(writeFileAtomic(join(dir, "target"), new Uint8Array(10))).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(["target"]);
    await writeFileAtomic(join(dir, "ok.bin"), new Uint8Array(3));
    expect(existsSync(join(dir, "ok.bin"))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["ok.bin", "target"]);
  });

  it("knows a full disk by errno or SQLite code, through causes", () => {
    const enospc = Object.assign(new Error("no space"), { code: "ENOSPC" });
    expect(isDiskFull(enospc)).toBe(true);
    expect(isDiskFull(Object.assign(new Error("full"), { code: "SQLITE_FULL" }))).toBe(true);
    expect(isDiskFull(new Error("wrapped", { cause: enospc }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error("nope"), { code: "ENOENT" }))).toBe(false);
    const e = new DiskFullError(enospc);
    expect([e.status, e.code, e.retryable]).toEqual([507, "insufficient_storage", true]);
  });
});
