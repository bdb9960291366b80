import type { SqlStore } from "../sql/port.js";

export interface ApiKeyRecord {
  id: string;
  name: string;
  secretHash: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

interface Row {
  id: string;
  name: string;
  secret_hash: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const toRecord = (r: Row): ApiKeyRecord => ({
  id: r.id,
  name: r.name,
  secretHash: r.secret_hash,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/**
 * The `api_keys` table; secrets are never stored, only their hashes. On the SQL port: with `store.url` every node
 * reads and writes the same keys, so a key made or revoked on one node is made or revoked on all.
 */
export class ApiKeysRepo {
  constructor(private readonly sql: SqlStore) {}

  async insert(id: string, name: string, secretHash: string, now: number): Promise<void> {
    await this.sql.run("INSERT INTO api_keys (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)", [
      id,
      name,
      secretHash,
      now,
    ]);
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    const r = await this.sql.get<Row>("SELECT * FROM api_keys WHERE id = ?", [id]);
    return r ? toRecord(r) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.sql.all<Row>("SELECT * FROM api_keys ORDER BY created_at, id")).map(toRecord);
  }

  async touch(id: string, now: number): Promise<void> {
    await this.sql.run("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [now, id]);
  }

  async revoke(id: string, now: number): Promise<boolean> {
    const { changes } = await this.sql.run("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [
      now,
      id,
    ]);
    return changes > 0;
  }
}
