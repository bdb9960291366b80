import type { Database, Statement } from "better-sqlite3";

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

/** The `api_keys` table; secrets are never stored, only their hashes. */
export class ApiKeysRepo {
  private readonly insertStmt: Statement<[string, string, string, number]>;
  private readonly getStmt: Statement<[string], Row>;
  private readonly listStmt: Statement<[], Row>;
  private readonly touchStmt: Statement<[number, string]>;
  private readonly revokeStmt: Statement<[number, string]>;

  constructor(db: Database) {
    this.insertStmt = db.prepare("INSERT INTO api_keys (id, name, secret_hash, created_at) VALUES (?, ?, ?, ?)");
    this.getStmt = db.prepare("SELECT * FROM api_keys WHERE id = ?");
    this.listStmt = db.prepare("SELECT * FROM api_keys ORDER BY created_at");
    this.touchStmt = db.prepare("UPDATE api_keys SET last_used_at = ? WHERE id = ?");
    this.revokeStmt = db.prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL");
  }

  insert(id: string, name: string, secretHash: string, now: number): void {
    this.insertStmt.run(id, name, secretHash, now);
  }

  get(id: string): ApiKeyRecord | null {
    const r = this.getStmt.get(id);
    return r ? toRecord(r) : null;
  }

  list(): ApiKeyRecord[] {
    return this.listStmt.all().map(toRecord);
  }

  touch(id: string, now: number): void {
    this.touchStmt.run(now, id);
  }

  revoke(id: string, now: number): boolean {
    return this.revokeStmt.run(now, id).changes > 0;
  }
}
