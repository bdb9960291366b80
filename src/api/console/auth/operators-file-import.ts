import { existsSync, readFileSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ParleyError } from "../../../lib/errors.js";
import { insertOperator } from "../../../store/repos/operators-repo.js";
import type { SqlStore } from "../../../store/sql/port.js";

/** What `<dataDir>/operators.json` held before operators moved into the store (Parley up to migration 025). */
const fileSchema = z.object({
  version: z.literal(1),
  operators: z.array(z.object({ name: z.string().min(1), passwordHash: z.string().min(1), createdAt: z.string() })),
});

export interface OperatorsFileImport {
  /** Accounts added to the table (one already there by that name is kept). */
  imported: number;
  /** Accounts in the file. */
  total: number;
  /** Where the file is now: renamed, kept as a backup. */
  backup: string;
}

/**
 * Moves `<dataDir>/operators.json` into the `operators` table of `sql`, once: the rows are inserted in one
 * transaction (SQLite's BEGIN IMMEDIATE, so a `parley operators` and a `parley serve` starting together import it
 * once between them, the second finding no file), then the file is renamed `operators.json.imported` and kept.
 * Rerun after a crash between the two, it inserts nothing new and renames the file. Null when there is no file.
 * An invalid file is refused with its name and left in place.
 */
export async function importOperatorsFile(sql: SqlStore, dataDir: string): Promise<OperatorsFileImport | null> {
  const file = join(dataDir, "operators.json");
  if (!existsSync(file)) return null;
  const counts = await sql.transaction(async (tx) => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null; // imported meanwhile by another process
      throw err;
    }
    const fallback = statSync(file).mtimeMs;
    const ops = parse(file, text);
    let imported = 0;
    for (const op of ops) {
      const createdAt = Date.parse(op.createdAt);
      const added = await insertOperator(tx, {
        name: op.name,
        passwordHash: op.passwordHash,
        createdAt: Number.isFinite(createdAt) ? createdAt : Math.floor(fallback),
      });
      if (added) imported++;
    }
    return { imported, total: ops.length };
  });
  if (!counts) return null;
  const backup = freeName(`${file}.imported`);
  try {
    renameSync(file, backup);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  return { ...counts, backup };
}

function parse(file: string, text: string): z.infer<typeof fileSchema>["operators"] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ParleyError("operators_invalid", `${file} is not JSON (${(err as Error).message}); fix or remove it`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success)
    throw new ParleyError(
      "operators_invalid",
      `${file} is not a valid operators file: ${parsed.error.issues[0]?.message ?? "unknown"}; fix or remove it`,
    );
  return parsed.data.operators;
}

/** `name`, or `name-2`, `name-3`... when an earlier backup has that name: a backup is never overwritten. */
function freeName(name: string): string {
  let candidate = name;
  for (let i = 2; existsSync(candidate); i++) candidate = `${name}-${i}`;
  return candidate;
}
