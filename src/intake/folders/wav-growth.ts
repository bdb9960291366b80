import { readWavHeader } from "../../audio/index.js";
import { UNKNOWN_SIZE_MARKERS } from "../../audio/wav-format.js";
import { ParleyError } from "../../lib/errors.js";

/**
 * True when a WAV looks cut short: its header declares more data than the
 * file holds (a writer that set the size first and is still appending), or
 * the header itself is not all there yet. Streaming writers' "length
 * unknown" markers, other formats and WAVs we cannot read say nothing: false.
 */
export function wavStillGrowing(bytes: Uint8Array): boolean {
  const riff = bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && (bytes[3] === 0x46 || bytes[3] === 0x58);
  if (!riff) return false;
  try {
    const header = readWavHeader(bytes);
    const present = bytes.byteLength - header.dataOffset;
    return header.declaredDataBytes > present && !UNKNOWN_SIZE_MARKERS.has(header.declaredDataBytes);
  } catch (err) {
    // A header that stops before its data chunk: the rest has not been written yet.
    return err instanceof ParleyError && /truncated header|no data chunk/.test(err.message);
  }
}
