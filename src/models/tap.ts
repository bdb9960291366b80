import { Transform } from "node:stream";

/** A pass-through stage that shows every chunk to `onChunk` (hashing, byte counts, progress) on its way. */
export function tap(onChunk: (chunk: Buffer) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      onChunk(chunk);
      cb(null, chunk);
    },
  });
}
