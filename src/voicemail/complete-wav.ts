import { readWavHeader } from "../audio/index.js";
import { UNKNOWN_SIZE_MARKERS } from "../audio/wav-format.js";
import { ParleyError } from "../lib/errors.js";

const isRiff = (b: Uint8Array) => b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && (b[3] === 0x46 || b[3] === 0x58);

/**
 * Refuses a WAV whose data chunk declares more bytes than the upload holds.
 * The WAV reader accepts such files (a crashed recorder's file is still worth
 * transcribing), but an upload is a whole file: a short one is a transfer cut
 * off, and storing it would also give the complete retry a different content
 * hash, so one message would be processed twice. The "length unknown" markers
 * that streaming writers leave (0xFFFFFFFF, sox's 0x7FFFF000) are accepted.
 * Call after the file was validated (decodeUpload): the header is known good.
 */
export function assertCompleteWav(bytes: Uint8Array): void {
  if (!isRiff(bytes)) return;
  const header = readWavHeader(bytes);
  const present = bytes.byteLength - header.dataOffset;
  if (header.declaredDataBytes > present && !UNKNOWN_SIZE_MARKERS.has(header.declaredDataBytes)) {
    throw new ParleyError(
      "audio_truncated",
      `invalid WAV: the data chunk declares ${header.declaredDataBytes} bytes but only ${present} are present; the file looks cut short, send all of it`,
      {
        status: 400,
        details: { declaredBytes: header.declaredDataBytes, presentBytes: present },
      },
    );
  }
}
