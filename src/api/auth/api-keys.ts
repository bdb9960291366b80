import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "../../lib/clock.js";
import type { ApiKeysRepo, ApiKeyRecord } from "../../store/repos/api-keys-repo.js";

/**
 * API keys look like `pk_<id>_<secret>`. The id is public (it names the key in
 * lists and logs); only a SHA-256 of the secret is stored, so a leaked
 * database does not leak working keys. The full key is shown once.
 */
const KEY = /^pk_([a-z0-9]{10})_([A-Za-z0-9_-]{43})$/;

function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export interface CreatedKey {
  id: string;
  name: string;
  key: string;
  createdAt: number;
}

export async function createApiKey(repo: ApiKeysRepo, name: string, clock: Clock): Promise<CreatedKey> {
  const id = randomBytes(8).toString("hex").slice(0, 10);
  const secret = randomBytes(32).toString("base64url");
  const now = clock.now();
  await repo.insert(id, name, sha256(secret), now);
  return { id, name, key: `pk_${id}_${secret}`, createdAt: now };
}

/** The key record a presented key belongs to, or null (unknown, revoked, or wrong secret). */
export async function verifyApiKey(repo: ApiKeysRepo, presented: string): Promise<ApiKeyRecord | null> {
  const m = KEY.exec(presented.trim());
  if (!m) return null;
  const record = await repo.get(m[1] as string);
  if (!record || record.revokedAt !== null) return null;
  const given = Buffer.from(sha256(m[2] as string), "hex");
  const stored = Buffer.from(record.secretHash, "hex");
  return given.length === stored.length && timingSafeEqual(given, stored) ? record : null;
}
