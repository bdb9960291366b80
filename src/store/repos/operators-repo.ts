import type { SqlExecutor, SqlStore } from "../sql/port.js";

/** An operator account of the web console (`operators`). */
export interface OperatorRecord {
  name: string;
  /** scrypt (console/auth/passwords.ts); never the password. */
  passwordHash: string;
  createdAt: number;
}

interface Row {
  name: string;
  password_hash: string;
  created_at: number;
}

const toRecord = (r: Row): OperatorRecord => ({ name: r.name, passwordHash: r.password_hash, createdAt: r.created_at });

/**
 * The `operators` table. On the SQL port: with `store.url` every node signs in the same operators, and one removed
 * on any node (or from the CLI) is signed out everywhere on its next request.
 */
export class OperatorsRepo {
  constructor(private readonly sql: SqlStore) {}

  async list(): Promise<OperatorRecord[]> {
    return (await this.sql.all<Row>("SELECT * FROM operators ORDER BY name")).map(toRecord);
  }

  async find(name: string): Promise<OperatorRecord | null> {
    const r = await this.sql.get<Row>("SELECT * FROM operators WHERE name = ?", [name]);
    return r ? toRecord(r) : null;
  }

  /** Adds the account; false when the name is taken (the existing one is kept). */
  insert(op: OperatorRecord, on: SqlExecutor = this.sql): Promise<boolean> {
    return insertOperator(on, op);
  }

  async remove(name: string): Promise<boolean> {
    return (await this.sql.run("DELETE FROM operators WHERE name = ?", [name])).changes > 0;
  }
}

/** One statement for both engines: ON CONFLICT DO NOTHING is SQLite's and PostgreSQL's alike. */
export async function insertOperator(on: SqlExecutor, op: OperatorRecord): Promise<boolean> {
  const { changes } = await on.run(
    "INSERT INTO operators (name, password_hash, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
    [op.name, op.passwordHash, op.createdAt],
  );
  return changes > 0;
}
