import { createHash } from "node:crypto";
import { ParleyError } from "../../../lib/errors.js";
import { OperatorsRepo, type OperatorRecord } from "../../../store/repos/operators-repo.js";
import type { SqlStore } from "../../../store/sql/port.js";
import { importOperatorsFile } from "./operators-file-import.js";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./passwords.js";

export type { OperatorRecord };

export const OPERATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MIN_PASSWORD = 10;

/**
 * The console's operator accounts, in the store (`operators`): with `store.url` one set for every node. On a SQLite
 * node, an `operators.json` left by an older Parley is imported on first use (operators-file-import.ts), so an
 * upgraded install signs in the same operators; on PostgreSQL, `parley store copy-to-postgres` carries them over.
 */
export class Operators {
  private readonly repo: OperatorsRepo;
  private imported: Promise<unknown> | null = null;

  constructor(
    private readonly sql: SqlStore,
    /** Where a legacy operators.json may be (SQLite nodes only). */
    private readonly dataDir: string,
  ) {
    this.repo = new OperatorsRepo(sql);
  }

  /** Where the accounts are, for messages. */
  get where(): string {
    return this.sql.where;
  }

  async list(): Promise<OperatorRecord[]> {
    await this.ready();
    return this.repo.list();
  }

  async find(name: string): Promise<OperatorRecord | null> {
    await this.ready();
    return this.repo.find(name);
  }

  async add(name: string, password: string, now: number): Promise<OperatorRecord> {
    if (!OPERATOR_NAME.test(name))
      throw new ParleyError(
        "operator_name_invalid",
        `'${name}' is not a valid operator name: letters, digits, . _ @ -, up to 64 characters`,
        { status: 400 },
      );
    if (password.length < MIN_PASSWORD)
      throw new ParleyError("password_too_short", `the password must be at least ${MIN_PASSWORD} characters`, {
        status: 400,
      });
    await this.ready();
    const record = { name, passwordHash: await hashPassword(password), createdAt: now };
    if (!(await this.repo.insert(record)))
      throw new ParleyError(
        "operator_exists",
        `operator '${name}' already exists; remove it first to set a new password`,
        { status: 409 },
      );
    return record;
  }

  async remove(name: string): Promise<boolean> {
    await this.ready();
    return this.repo.remove(name);
  }

  /** The operator when name and password match; null otherwise, in about the same time either way. */
  async authenticate(name: string, password: string): Promise<OperatorRecord | null> {
    const op = await this.find(name);
    const ok = await verifyPassword(password, op?.passwordHash ?? DUMMY_HASH);
    return op && ok ? op : null;
  }

  /**
   * A SQLite node imports its old operators.json once. A failure (an invalid file) is reported to the caller and
   * not kept: once the file is fixed or removed, the next request imports it, with no restart.
   */
  private ready(): Promise<unknown> {
    if (this.sql.dialect !== "sqlite") return Promise.resolve();
    this.imported ??= importOperatorsFile(this.sql, this.dataDir).catch((err: unknown) => {
      this.imported = null;
      throw err;
    });
    return this.imported;
  }
}

/** Changes whenever the operator's password does: sessions carry it, so a reset password ends old sessions. */
export function credentialStamp(op: OperatorRecord): string {
  return createHash("sha256").update(op.passwordHash).digest("base64url").slice(0, 12);
}
