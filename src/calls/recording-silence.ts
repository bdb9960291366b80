import { open } from "node:fs/promises";
import { frameRanges, readWavHeader, silenceWavSpansInPlace, type TimeSpan } from "../audio/index.js";

/**
 * Silences marked stretches of a call recording on disk, in place, block by
 * block, so an hour-long recording is never read into memory whole. Used
 * after a call (or on a stored voicemail) when the sensitive stretches were
 * only known afterwards; live sensitive steps go through RecordingGate and
 * never reach the file. Idempotent: running it twice changes nothing more.
 */

const HEAD_BYTES = 64 * 1024; // every header Parley writes or accepts fits well within this
const BLOCK_FRAMES = 16_384;

export interface SilenceFileOptions {
  channels?: readonly number[];
  signal?: AbortSignal;
}

/** Returns the milliseconds silenced. */
export async function silenceRecordingFile(
  path: string,
  spans: readonly TimeSpan[],
  options: SilenceFileOptions = {},
): Promise<number> {
  const fh = await open(path, "r+");
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    await fh.read(head, 0, head.length, 0);
    const h = readWavHeader(head);
    // The header's frame count only covers what `head` held; the file's size says how much audio there is.
    const present = Math.floor((size - h.dataOffset) / h.blockAlign);
    const declared = Math.floor(h.declaredDataBytes / h.blockAlign);
    // 0xFFFFFFFF / 0x7FFFF000: a streaming writer's "unknown length" (a recording still open, or cut by a crash).
    const unknownLength = h.declaredDataBytes === 0xffffffff || h.declaredDataBytes === 0x7ffff000;
    const totalFrames = unknownLength ? present : Math.min(present, declared);
    let silencedFrames = 0;
    for (const { from, to } of frameRanges(spans, h.sampleRate, totalFrames)) {
      for (let f = from; f < to; f += BLOCK_FRAMES) {
        options.signal?.throwIfAborted();
        const n = Math.min(BLOCK_FRAMES, to - f);
        const at = h.dataOffset + f * h.blockAlign;
        const block = Buffer.alloc(n * h.blockAlign);
        await fh.read(block, 0, block.length, at);
        // The block as a tiny WAV of its own, so the encoding's zero and the channel layout come from one place.
        const asWav = Buffer.concat([head.subarray(0, h.dataOffset), block]);
        silenceWavSpansInPlace(asWav, [{ startMs: 0, endMs: Number.MAX_SAFE_INTEGER }], { channels: options.channels });
        await fh.write(asWav, h.dataOffset, block.length, at);
      }
      silencedFrames += to - from;
    }
    await fh.sync();
    return (silencedFrames * 1000) / h.sampleRate;
  } finally {
    await fh.close();
  }
}
