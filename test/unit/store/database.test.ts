import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
  closeSync,
} from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  defaultMigrationsDir,
  loadMigrations,
  openDatabase,
  StoreError,
  type Migration,
} from "../../../src/store/index.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "parley-store-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const all = () => loadMigrations();
const firstOnly = () => loadMigrations().slice(0, 1);

/** The number a later build's next migration gets: one past the shipped ones. */
const next = (words: string) => `${String(loadMigrations().length + 1).padStart(3, "0")}_${words}.sql`;

/** The shipped migrations plus extra files, as a later build would have them. */
function laterBuild(extra: Record<string, string>): Migration[] {
  const folder = join(dir, "later-migrations");
  mkdirSync(folder);
  for (const name of readdirSync(defaultMigrationsDir()))
    copyFileSync(join(defaultMigrationsDir(), name), join(folder, name));
  for (const [name, sql] of Object.entries(extra)) writeFileSync(join(folder, name), sql);
  return loadMigrations(folder);
}

function storeError(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StoreError);
    return err as StoreError;
  }
  throw new Error("expected a StoreError");
}

describe("openDatabase", () => {
  it("creates the file and its folder, with WAL, busy timeout, foreign keys and synchronous=NORMAL", () => {
    const file = join(dir, "nested", "parley.db");
    const db = openDatabase(file, { busyTimeoutMs: 2500 });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("busy_timeout", { simple: true })).toBe(2500);
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("synchronous", { simple: true })).toBe(1);
    const versions = db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all();
    expect(versions).toEqual(all().map((m) => ({ version: m.version, name: m.name })));
    expect(db.pragma("user_version", { simple: true })).toBe(all().length);
    db.close();
  });

  it("is idempotent: a second open applies nothing and keeps rows", () => {
    const file = join(dir, "parley.db");
    const db = openDatabase(file);
    db.prepare(
      "INSERT INTO jobs (kind, payload, status, run_at, max_attempts, created_at, updated_at) VALUES ('noop', '{}', 'queued', 1, 3, 1, 1)",
    ).run();
    db.close();
    const again = openDatabase(file);
    expect(again.prepare("SELECT count(*) AS n FROM jobs").get()).toEqual({ n: 1 });
    again.close();
  });

  it("migrates a database made with only the first migration forward, keeping its rows", () => {
    const file = join(dir, "parley.db");
    const old = openDatabase(file, { migrations: firstOnly() });
    const insert = old.prepare(
      "INSERT INTO jobs (kind, payload, status, priority, run_at, max_attempts, idempotency_key, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, 5, ?, ?, ?)",
    );
    for (let i = 1; i <= 50; i++)
      insert.run("voicemail.process", JSON.stringify({ n: i }), i % 3, 1000 + i, `key-${i}`, 1000, 1000);
    expect(old.prepare("SELECT name FROM sqlite_schema WHERE name = 'job_events'").get()).toBeUndefined();
    old.close();

    const db = openDatabase(file, {
      migrations: laterBuild({
        [next("job_notes")]: "ALTER TABLE jobs ADD COLUMN note TEXT NOT NULL DEFAULT 'migrated';",
      }),
    });
    expect(db.prepare("SELECT count(*) AS n FROM jobs").get()).toEqual({ n: 50 });
    expect(db.prepare("SELECT payload, priority, idempotency_key, note FROM jobs WHERE id = 7").get()).toEqual({
      payload: '{"n":7}',
      priority: 1,
      idempotency_key: "key-7",
      note: "migrated",
    });
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'job_events'").get()).toEqual({
      name: "job_events",
    });
    expect(db.prepare("SELECT max(version) AS v FROM schema_migrations").get()).toEqual({ v: all().length + 1 });
    // The new table's foreign key reaches the old rows.
    db.prepare("INSERT INTO job_events (job_id, at, type, attempt) VALUES (7, 1, 'enqueued', 0)").run();
    expect(() =>
      db.prepare("INSERT INTO job_events (job_id, at, type, attempt) VALUES (999, 1, 'enqueued', 0)").run(),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it("lets a migration rebuild a parent table without cascading into its children", () => {
    const file = join(dir, "parley.db");
    const db = openDatabase(file);
    db.prepare(
      "INSERT INTO jobs (kind, payload, status, run_at, max_attempts, created_at, updated_at) VALUES ('noop', '{}', 'queued', 1, 3, 1, 1)",
    ).run();
    db.prepare("INSERT INTO job_events (job_id, at, type, attempt) VALUES (1, 1, 'enqueued', 0)").run();
    db.close();
    // SQLite's rebuild recipe: new table, copy, drop the old one, rename.
    const rebuild =
      "CREATE TABLE jobs_new AS SELECT * FROM jobs;\nDROP TABLE jobs;\nALTER TABLE jobs_new RENAME TO jobs;\nCREATE UNIQUE INDEX jobs_id ON jobs (id);";
    const after = openDatabase(file, { migrations: laterBuild({ [next("rebuild_jobs")]: rebuild }) });
    expect(after.prepare("SELECT count(*) AS n FROM job_events").get()).toEqual({ n: 1 });
    expect(after.pragma("foreign_keys", { simple: true })).toBe(1);
    after.close();
  });

  it("refuses a database newer than the code, naming the file and the unknown migrations", () => {
    const file = join(dir, "parley.db");
    openDatabase(file).close();
    const err = storeError(() => openDatabase(file, { migrations: firstOnly() }));
    expect(err.code).toBe("store_too_new");
    expect(err.message).toContain(file);
    expect(err.message).toMatch(
      new RegExp(
        `newer Parley \\(schema version ${all().length}, this build knows up to 1; unknown migrations: 002_job_events\\.sql`,
      ),
    );
  });

  it("refuses an applied migration that was edited or renumbered", () => {
    const file = join(dir, "parley.db");
    openDatabase(file).close();
    const edited = all().map((m) =>
      m.version === 2 ? { ...m, sql: m.sql + "\n-- tweak", checksum: "0".repeat(64) } : m,
    );
    expect(storeError(() => openDatabase(file, { migrations: edited })).message).toMatch(
      /002_job_events\.sql was edited after it was applied/,
    );
    const renamed = all().map((m) => (m.version === 2 ? { ...m, name: "002_voicemails.sql" } : m));
    expect(storeError(() => openDatabase(file, { migrations: renamed })).message).toMatch(
      /applied as 002_job_events\.sql but this build calls it 002_voicemails\.sql/,
    );
  });

  it("rolls a failing migration back entirely and names it", () => {
    const file = join(dir, "parley.db");
    openDatabase(file).close();
    const broken = laterBuild({
      [next("broken")]: "CREATE TABLE half_done (x INTEGER);\nALTER TABLE no_such_table ADD COLUMN y TEXT;",
    });
    const err = storeError(() => openDatabase(file, { migrations: broken }));
    expect(err.code).toBe("store_migration_failed");
    expect(err.message).toContain(
      `migration ${next("broken")} failed and was rolled back: no such table: no_such_table`,
    );
    const db = openDatabase(file);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half_done'").get()).toBeUndefined();
    expect(db.prepare("SELECT max(version) AS v FROM schema_migrations").get()).toEqual({ v: all().length });
    db.close();
  });

  it("gives a clear error for a file that is not SQLite", () => {
    const file = join(dir, "parley.db");
    writeFileSync(file, randomBytes(8192));
    const err = storeError(() => openDatabase(file));
    expect(err.code).toBe("store_corrupt");
    expect(err.message).toMatch(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not a SQLite database or is corrupt`),
    );
  });

  it("gives a clear error for a SQLite file whose pages were damaged", () => {
    const file = join(dir, "parley.db");
    const db = openDatabase(file);
    db.pragma("journal_mode = DELETE"); // everything into the main file, so the damage is what we read back
    db.close();
    // Keep the 100-byte header (it still looks like SQLite) and scribble over the schema page.
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(3000, 0xa5), 0, 3000, 100);
    closeSync(fd);
    const err = storeError(() => openDatabase(file));
    expect(err.code).toBe("store_corrupt");
    expect(err.message).toContain(file);
  });

  it("names a path that is a directory", () => {
    const err = storeError(() => openDatabase(dir));
    expect(err.code).toBe("store_open_failed");
    expect(err.message).toContain(`cannot open the database ${dir}`);
  });
});
