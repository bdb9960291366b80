import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * The per-install key that signs console session cookies, in
 * `<dataDir>/console-secret` (0600). Made on first use; two processes racing
 * to make it both end up with whichever file won (`wx` creates exclusively).
 * Deleting the file logs every operator out.
 */
export function loadConsoleSecret(dataDir: string): Buffer {
  const file = join(dataDir, "console-secret");
  mkdirSync(dataDir, { recursive: true });
  try {
    const fd = openSync(file, "wx", 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString("hex")}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  // A copy restored from a backup may have lost its mode; the secret is worth a login to anyone who reads it.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const hex = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64,}$/i.test(hex))
    throw new Error(`${file} is not a console secret (64+ hex digits); delete it to make a new one`);
  return Buffer.from(hex, "hex");
}
