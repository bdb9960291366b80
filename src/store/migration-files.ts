import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { StoreError } from "./errors.js";

/** One numbered schema change, as read from `NNN_name.sql`. */
export interface Migration {
  version: number;
  /** The file name, e.g. `001_jobs.sql`; recorded so a renumbering clash is caught by name. */
  name: string;
  sql: string;
  /** sha256 of the SQL with line endings normalised, so a checkout with CRLF does not look edited. */
  checksum: string;
}

/**
 * Rules for the migrations folder (other modules add their tables here):
 * - a file is `NNN_words.sql`: at least three digits, then lower-case words;
 * - versions start at 1 and have **no gaps and no duplicates**. A gap almost
 *   always means a file missing from the build (the .sql copy step), and
 *   applying 004 over a missing 003 would create a schema nobody tested; a
 *   duplicate means two branches picked the same number, which CI catches
 *   here (test/unit/store) before any database sees it;
 * - an applied migration is never edited: its checksum is recorded and a
 *   change is refused at open. Fix a released schema with a new number.
 * Other files (README.md, .gitkeep) are ignored.
 */
const FILE_PATTERN = /^(\d{3,})_([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$/;

/** The folder of migrations shipped next to this module (the build copies the .sql files to dist). */
export function defaultMigrationsDir(): string {
  return fileURLToPath(new URL("./migrations/", import.meta.url));
}

/** Reads and validates every migration in `dir`, in version order. */
export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new StoreError(
      "store_migration_invalid",
      `cannot read the migrations folder ${dir}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  const migrations: Migration[] = [];
  for (const name of names) {
    if (!name.endsWith(".sql")) continue;
    const match = FILE_PATTERN.exec(name);
    if (!match) {
      throw new StoreError(
        "store_migration_invalid",
        `${dir}: '${name}' is not a migration name; expected NNN_words.sql, e.g. 002_voicemails.sql`,
      );
    }
    const sql = readFileSync(`${dir}/${name}`, "utf8").replace(/\r\n/g, "\n");
    migrations.push({ version: Number(match[1]), name, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  migrations.sort((a, b) => a.version - b.version);
  checkSequence(migrations, dir);
  return migrations;
}

function checkSequence(migrations: readonly Migration[], dir: string): void {
  migrations.forEach((m, i) => {
    const expected = i + 1;
    if (m.version === expected) return;
    const previous = migrations[i - 1];
    if (previous && previous.version === m.version) {
      throw new StoreError(
        "store_migration_invalid",
        `${dir}: ${previous.name} and ${m.name} have the same number; renumber the newer one`,
      );
    }
    throw new StoreError(
      "store_migration_invalid",
      `${dir}: migration ${String(expected).padStart(3, "0")} is missing before ${m.name}; numbers must have no gaps`,
    );
  });
}
