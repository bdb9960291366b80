import { createHash } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { encodeWav, readWavHeader } from "../../../audio/index.js";
import { writeFileAtomic } from "../../../store/files/index.js";
import { CACHE_RATE } from "./cache-key.js";

/** Hex digits of the file's SHA-256 in its name: enough to catch any damage, short enough to read. */
const DIGEST_CHARS = 16;
/** `<key>.<digest>.wav`: the render's key, then the digest of the file's bytes. */
const NAMED = /^([0-9a-f]{64})\.([0-9a-f]{16})\.wav$/;

const digest = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex").slice(0, DIGEST_CHARS);

/**
 * Writes a render as an 8 kHz PCM16 WAV under `dir`, named by its key and
 * by the digest of its own bytes, written aside and renamed (a reader never
 * sees half a file). Returns the path relative to `dir`, for the cache's row.
 */
export async function writeRender(dir: string, key: string, pcm: Int16Array): Promise<string> {
  const bytes = encodeWav({ channels: [pcm], sampleRate: CACHE_RATE });
  const path = join(key.slice(0, 2), `${key}.${digest(bytes)}.wav`);
  const file = join(dir, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, bytes);
  return path;
}

/** A cached file that is not the render its row describes: cut short, changed, or not our format. */
export class DamagedRender extends Error {
  override readonly name = "DamagedRender";
}

/**
 * Reads a render back, and proves it whole before it can be played: the
 * digest in its name matches its bytes (files written before names carried
 * one are checked by length), it is 8 kHz mono PCM16, and it holds exactly
 * the samples its row recorded. Throws DamagedRender otherwise.
 */
export async function readRender(dir: string, path: string, samples: number): Promise<Int16Array> {
  const bytes = await readFile(join(dir, path));
  const named = NAMED.exec(path.split(/[\\/]/).pop() ?? "");
  if (named && digest(bytes) !== named[2]) throw new DamagedRender(`${path}: its bytes do not match its digest`);
  if (samples === 0) return new Int16Array(0); // a render of no sound (a text of only punctuation) has no data chunk to read
  let header;
  try {
    header = readWavHeader(bytes);
  } catch (err) {
    throw new DamagedRender(`${path}: ${(err as Error).message}`);
  }
  if (header.encoding !== "pcm_s16" || header.sampleRate !== CACHE_RATE || header.channels !== 1)
    throw new DamagedRender(`${path}: not an 8 kHz mono PCM16 render`);
  if (header.declaredDataBytes !== samples * 2 || header.dataBytes !== samples * 2)
    throw new DamagedRender(`${path}: holds ${header.dataBytes >> 1} of ${samples} samples`);
  const data = Buffer.from(bytes.buffer, bytes.byteOffset + header.dataOffset, header.dataBytes);
  const pcm = new Int16Array(samples);
  for (let i = 0; i < samples; i++) pcm[i] = data.readInt16LE(i * 2);
  return pcm;
}
