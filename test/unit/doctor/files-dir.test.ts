import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validate } from "../../../src/config/index.js";
import { filesDirCheck } from "../../../src/doctor/files.js";
import { scratchDir } from "../../helpers/scratch.js";

describe("parley doctor: files.dir", () => {
  it("is skipped without files.dir, passes on a writable folder (leaving nothing) and fails with a fix on one it cannot write", async () => {
    expect(await filesDirCheck(validate({}))).toBeNull();
    const dir = scratchDir("parley-doctor-files");
    const ok = await filesDirCheck(validate({ files: { dir } }));
    expect(ok).toMatchObject({
      name: "files.dir",
      status: "ok",
      detail: expect.stringMatching(/writable, [\d.]+ GB free/),
    });
    expect(readdirSync(dir)).toEqual([]);
    writeFileSync(join(dir, "a-file"), "x");
    const bad = await filesDirCheck(validate({ files: { dir: join(dir, "a-file", "shared") } }));
    expect(bad).toMatchObject({ status: "fail", fix: expect.stringContaining("read-write") });
  });
});
