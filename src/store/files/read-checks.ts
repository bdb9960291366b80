import { createHash } from "node:crypto";
import { open, readFile, stat } from "node:fs/promises";
import { readWavHeader } from "../../audio/index.js";
import { UNKNOWN_SIZE_MARKERS } from "../../audio/wav-format.js";
import { ParleyError } from "../../lib/errors.js";

/**
 * Checks a reader makes before trusting a file in the shared folder. Writers
 * publish only whole files (atomic rename), but the folder is shared with
 * other nodes, older versions and people: a file that does not add up is
 * refused with a clear error instead of being served or processed in part.
 */

/** A stored file that is not what its name or record says: never served, never processed. */
export function damagedFile(path: string, reason: string, details: Record<string, unknown> = {}): ParleyError {
  return new ParleyError("file_damaged", `stored file ${path} is damaged: ${reason}`, {
    status: 500,
    details: { path, ...details },
  });
}

const HEADER_PROBE_BYTES = 4096;

const missingFile = (path: string) =>
  new ParleyError("file_missing", `stored file ${path} is missing`, { status: 404, details: { path } });

/** A stored file of exactly the size its record says (cheap: one stat). */
export async function checkFileSize(path: string, bytes: number): Promise<void> {
  const size = await stat(path).then(
    (s) => s.size,
    (err: NodeJS.ErrnoException) => {
      throw err.code === "ENOENT" ? missingFile(path) : err;
    },
  );
  if (size !== bytes) throw damagedFile(path, `${size} bytes, ${bytes} were stored`, { bytes: size, stored: bytes });
}

/**
 * A WAV file whose header is intact and whose data chunk is all there (or
 * declares "length unknown", as streaming writers do). Reads only the header.
 */
export async function checkWavFile(path: string): Promise<void> {
  const fh = await open(path, "r").catch((err: NodeJS.ErrnoException) => {
    throw err.code === "ENOENT" ? missingFile(path) : err;
  });
  let size: number;
  let head: Buffer;
  try {
    size = (await fh.stat()).size;
    head = Buffer.alloc(Math.min(size, HEADER_PROBE_BYTES));
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  let header;
  try {
    header = readWavHeader(head);
  } catch (err) {
    throw damagedFile(path, `not a readable WAV (${(err as Error).message})`, { bytes: size });
  }
  const present = size - header.dataOffset;
  if (header.declaredDataBytes > present && !UNKNOWN_SIZE_MARKERS.has(header.declaredDataBytes)) {
    throw damagedFile(path, `its data chunk declares ${header.declaredDataBytes} bytes but ${present} are present`, {
      declaredBytes: header.declaredDataBytes,
      presentBytes: present,
    });
  }
}

/** The bytes of a content-addressed file, refused unless their SHA-256 is the one it is stored under. */
export async function readVerified(path: string, sha256: string): Promise<Buffer> {
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    throw err.code === "ENOENT" ? missingFile(path) : err;
  });
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256) {
    throw damagedFile(path, `its content hashes to ${actual.slice(0, 12)}..., not ${sha256.slice(0, 12)}...`, {
      bytes: bytes.length,
    });
  }
  return bytes;
}
