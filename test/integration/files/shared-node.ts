/**
 * One "node" sharing a files folder with others, as a real process (run
 * through tsx by shared-files.test.ts). Each node has its own database, as
 * every Parley node does, and writes through the production writers:
 *
 *   audio <sharedDir> <nodeDir> <seed> <count>
 *     stores `count` blobs with AudioStore: even ones are the same bytes on
 *     every node, odd ones this node's own; prints one JSON line per blob.
 *   record <recordingsDir> <callId> <value> <frames>
 *     records a call (CallRecorder, under the name CallManager gives it) whose
 *     caller side is `value` throughout; prints the published path.
 *   record-forever <recordingsDir> <callId>
 *     records until killed; prints "recording" once frames reached the disk.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { CallRecorder } from "../../../src/calls/recorder.js";
import { AudioStore } from "../../../src/store/audio-store.js";
import { openDatabase } from "../../../src/store/database.js";
import { SqliteSql } from "../../../src/store/sql/index.js";
import { recordingFile } from "../../../src/store/files/index.js";

const FRAME = 160;
const [mode, ...args] = process.argv.slice(2);

/** 200-400 KB of bytes from a seed: big enough that a non-atomic write could be caught half done. */
function content(seed: string): Buffer {
  const blocks: Buffer[] = [];
  let block = createHash("sha256").update(seed).digest();
  const size = 200_000 + (block[0]! << 10);
  for (let n = 0; n < size; n += 32) {
    blocks.push(block);
    block = createHash("sha256").update(block).digest();
  }
  return Buffer.concat(blocks);
}

async function audio(sharedDir: string, nodeDir: string, seed: string, count: number): Promise<void> {
  const db = openDatabase(join(nodeDir, "parley.db"));
  const store = new AudioStore(new SqliteSql(db), sharedDir);
  for (let i = 0; i < count; i++) {
    const bytes = content(i % 2 === 0 ? `shared-${i}` : `${seed}-${i}`);
    const sha256 = AudioStore.hash(bytes);
    const path = await store.writeFile(sha256, bytes, "bin");
    const now = Date.now();
    await store.record({
      sha256,
      path,
      bytes: bytes.length,
      contentType: "application/octet-stream",
      durationMs: 0,
      createdAt: now,
    });
    process.stdout.write(JSON.stringify({ i, sha256, path, bytes: bytes.length }) + "\n");
  }
  db.close();
}

function frameOf(value: number): Int16Array {
  return new Int16Array(FRAME).fill(value);
}

async function record(dir: string, callId: number, value: number, frames: number): Promise<void> {
  const recorder = await CallRecorder.create(recordingFile(dir, callId));
  for (let f = 0; f < frames; f++) {
    recorder.caller(frameOf(value));
    recorder.agent(null);
    if (f % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const { path } = await recorder.close();
  process.stdout.write(path + "\n");
}

async function recordForever(dir: string, callId: number): Promise<void> {
  const recorder = await CallRecorder.create(recordingFile(dir, callId));
  let announced = false;
  for (let f = 0; ; f++) {
    recorder.caller(frameOf(1000));
    recorder.agent(frameOf(-1000));
    if (f % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    if (!announced && f >= 500) {
      announced = true;
      process.stdout.write("recording\n");
    }
  }
}

const done =
  mode === "audio"
    ? audio(args[0]!, args[1]!, args[2]!, Number(args[3]))
    : mode === "record"
      ? record(args[0]!, Number(args[1]), Number(args[2]), Number(args[3]))
      : mode === "record-forever"
        ? recordForever(args[0]!, Number(args[1]))
        : Promise.reject(new Error(`unknown mode ${mode}`));
done.catch((err: unknown) => {
  process.stderr.write(String((err as Error).stack ?? err) + "\n");
  process.exit(1);
});
