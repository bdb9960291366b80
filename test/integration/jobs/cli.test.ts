import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCliInProcess } from "../../helpers/cli.js";
import { tempDir } from "./helpers.js";

const parley = (...argv: string[]) => runCliInProcess(argv);

describe("parley worker (CLI)", () => {
  it("is listed and says which tasks it runs", async () => {
    expect((await parley("--help")).out).toMatch(/\n {2}worker +run the job worker alone/);
    const help = await parley("worker", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toContain("It runs every task kind of this build");
  });

  it("refuses unknown flags and bad config with a one-line reason", async () => {
    const flag = await parley("worker", "--lanes", "3");
    expect(flag.code).toBe(2);
    expect(flag.err).toMatch(/^parley worker: Unknown option '--lanes'/);
    const config = await parley("worker", "--config", "/nonexistent/parley.yaml");
    expect(config).toMatchObject({ code: 1, err: "parley worker: config file not found: /nonexistent/parley.yaml\n" });
  });

  it("names a corrupt database file and exits 1", async () => {
    const { dir, cleanup } = tempDir("parley-cli-");
    try {
      writeFileSync(join(dir, "parley.db"), "this is not a database, it is a shopping list".repeat(100));
      const r = await parley("worker", "--data-dir", dir);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`parley worker: ${join(dir, "parley.db")} is not a SQLite database or is corrupt`);
    } finally {
      cleanup();
    }
  });

  it("with store.url on a PostgreSQL that does not answer, exits 1 naming it (password hidden)", async () => {
    const { dir, cleanup } = tempDir("parley-cli-");
    try {
      writeFileSync(join(dir, "parley.yaml"), "store:\n  url: postgres://parley:s3cret@127.0.0.1:1/parley\n");
      const r = await parley("worker", "--config", join(dir, "parley.yaml"), "--data-dir", dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /^parley worker: cannot use the job queue at postgres:\/\/parley:\*\*\*@127\.0\.0\.1:1\/parley/,
      );
      expect(r.err).not.toContain("s3cret");
    } finally {
      cleanup();
    }
  });
});

describe("parley bench batch --queue-only (CLI)", () => {
  it("refuses a --postgres that is not a postgres:// URL before measuring anything", async () => {
    const r = await parley("bench", "batch", "--queue-only", "--postgres", "mysql://db.local/parley");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--postgres: only postgres:\/\/ \(or postgresql:\/\/\) URLs are supported/);
  });
});
