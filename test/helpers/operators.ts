import { join } from "node:path";
import { Operators } from "../../src/api/console/auth/operators.js";
import { openDatabase } from "../../src/store/index.js";
import { SqliteSql } from "../../src/store/sql/index.js";

/** Runs `fn` on the operator accounts of the SQLite node in `dataDir` (its parley.db, created when absent). */
export async function withNodeOperators<T>(dataDir: string, fn: (ops: Operators) => Promise<T>): Promise<T> {
  const db = openDatabase(join(dataDir, "parley.db"));
  try {
    return await fn(new Operators(new SqliteSql(db), dataDir));
  } finally {
    db.close();
  }
}
