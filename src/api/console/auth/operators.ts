import { createHash, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ParleyError } from "../../../lib/errors.js";
import { DUMMY_HASH, hashPassword, verifyPassword } from "./passwords.js";

/** An operator account of the web console. */
export interface OperatorRecord {
  name: string;
  passwordHash: string;
  createdAt: string;
}

export const OPERATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MIN_PASSWORD = 10;

const fileSchema = z.object({
  version: z.literal(1),
  operators: z.array(
    z.object({ name: z.string().regex(OPERATOR_NAME), passwordHash: z.string().min(1), createdAt: z.string() }),
  ),
});

/**
 * Operator accounts in `<dataDir>/operators.json` (no database migration:
 * the accounts are few and managed from the CLI). Every write replaces the
 * file in one rename of a fully written, fsynced, 0600 temp file, so a reader
 * never sees half a file. Reads are cached until the file changes, so a
 * `parley operators remove` takes effect on the next request.
 */
export class OperatorStore {
  private cache: { stamp: string; operators: OperatorRecord[] } | null = null;

  constructor(readonly file: string) {}

  static forDataDir(dataDir: string): OperatorStore {
    return new OperatorStore(join(dataDir, "operators.json"));
  }

  list(): OperatorRecord[] {
    let stamp: string;
    try {
      const s = statSync(this.file);
      stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    if (this.cache?.stamp === stamp) return this.cache.operators;
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.file, "utf8")));
    if (!parsed.success)
      throw new ParleyError(
        "operators_invalid",
        `${this.file} is not a valid operators file: ${parsed.error.issues[0]?.message ?? "unknown"}`,
      );
    this.cache = { stamp, operators: parsed.data.operators };
    return parsed.data.operators;
  }

  find(name: string): OperatorRecord | null {
    return this.list().find((o) => o.name === name) ?? null;
  }

  async add(name: string, password: string, now: Date): Promise<OperatorRecord> {
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
    if (this.find(name))
      throw new ParleyError(
        "operator_exists",
        `operator '${name}' already exists; remove it first to set a new password`,
        { status: 409 },
      );
    const record = { name, passwordHash: await hashPassword(password), createdAt: now.toISOString() };
    this.write([...this.list(), record]);
    return record;
  }

  remove(name: string): boolean {
    const all = this.list();
    const kept = all.filter((o) => o.name !== name);
    if (kept.length === all.length) return false;
    this.write(kept);
    return true;
  }

  /** The operator when name and password match; null otherwise, in about the same time either way. */
  async authenticate(name: string, password: string): Promise<OperatorRecord | null> {
    const op = this.find(name);
    const ok = await verifyPassword(password, op?.passwordHash ?? DUMMY_HASH);
    return op && ok ? op : null;
  }

  private write(operators: OperatorRecord[]): void {
    const tmp = `${this.file}.${randomBytes(6).toString("hex")}.tmp`;
    const fd = openSync(tmp, "wx", 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ version: 1, operators }, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(tmp, this.file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    this.cache = null;
  }
}

/** Changes whenever the operator's password does: sessions carry it, so a reset password ends old sessions. */
export function credentialStamp(op: OperatorRecord): string {
  return createHash("sha256").update(op.passwordHash).digest("base64url").slice(0, 12);
}
