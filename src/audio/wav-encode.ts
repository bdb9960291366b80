/**
 * WAV writing: whole PCM16 files (mono, or stereo with caller left and agent
 * right) and a 44-byte header for streaming writers that learn the length
 * only at the end. Always little-endian RIFF, canonical 44-byte layout.
 */
import { ParleyError } from "../lib/errors.js";
import { float32ToInt16 } from "./frame.js";
import { UNKNOWN_DATA_SIZE, WAVE_FORMAT_PCM } from "./wav-format.js";

/** Size of the canonical header written here; samples start at this offset. */
export const WAV_HEADER_BYTES = 44;
/** Largest data chunk a RIFF size field can describe with our 44-byte header. */
const MAX_DATA_BYTES = 0xffffffff - (WAV_HEADER_BYTES - 8) - 1;

export interface WavHeaderOptions {
  sampleRate: number;
  /** 1 or 2; 1 unless told. */
  channels?: number;
  /** Data bytes when known; leave out while streaming (sizes become 0xFFFFFFFF until patched). */
  dataBytes?: number;
}

/** A canonical PCM16 WAV header; patch the sizes with `patchWavHeader` once the length is known. */
export function wavHeader(options: WavHeaderOptions): Buffer {
  const channels = options.channels ?? 1;
  checkShape(options.sampleRate, channels);
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write("RIFF", 0, "ascii");
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(options.sampleRate, 24);
  header.writeUInt32LE(options.sampleRate * channels * 2, 28);
  header.writeUInt16LE(channels * 2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36, "ascii");
  if (options.dataBytes === undefined) {
    // 0xFFFFFFFF (not 0) so a file whose writer died is read as "to the end", not as empty.
    header.writeUInt32LE(UNKNOWN_DATA_SIZE, 4);
    header.writeUInt32LE(UNKNOWN_DATA_SIZE, 40);
  } else {
    patchWavHeader(header, options.dataBytes);
  }
  return header;
}

/** Writes the RIFF and data sizes for `dataBytes` of samples into a header from `wavHeader`. */
export function patchWavHeader(header: Uint8Array, dataBytes: number): void {
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > MAX_DATA_BYTES) {
    throw new ParleyError("audio_too_large", `WAV data of ${dataBytes} bytes does not fit a RIFF file`, {
      status: 413,
    });
  }
  const view = new DataView(header.buffer, header.byteOffset, WAV_HEADER_BYTES);
  // The RIFF size counts an odd data chunk's pad byte; PCM16 data is always even, but stay correct.
  view.setUint32(4, WAV_HEADER_BYTES - 8 + dataBytes + (dataBytes & 1), true);
  view.setUint32(40, dataBytes, true);
}

export interface EncodeWavOptions {
  /** One array per channel (1 or 2); stereo recordings put the caller left and the agent right. */
  channels: Int16Array[] | Float32Array[];
  sampleRate: number;
}

/** A complete PCM16 WAV file; a shorter channel is padded with silence; float input is clamped. */
export function encodeWav(options: EncodeWavOptions): Buffer {
  const pcm = options.channels.map((c: Int16Array | Float32Array) => (c instanceof Int16Array ? c : float32ToInt16(c)));
  checkShape(options.sampleRate, pcm.length);
  let frames = 0;
  for (const c of pcm) frames = Math.max(frames, c.length);
  const dataBytes = frames * pcm.length * 2;
  const out = Buffer.alloc(WAV_HEADER_BYTES + dataBytes);
  wavHeader({ sampleRate: options.sampleRate, channels: pcm.length, dataBytes }).copy(out, 0);
  const view = new DataView(out.buffer, out.byteOffset + WAV_HEADER_BYTES, dataBytes);
  const stride = pcm.length * 2;
  for (let ch = 0; ch < pcm.length; ch++) {
    const samples = pcm[ch]!;
    for (let i = 0, at = ch * 2; i < samples.length; i++, at += stride) view.setInt16(at, samples[i]!, true);
  }
  return out;
}

function checkShape(sampleRate: number, channels: number): void {
  if (channels !== 1 && channels !== 2) {
    throw new ParleyError("audio_invalid", `WAV output must be mono or stereo, got ${channels} channels`, {
      status: 400,
    });
  }
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff / 4) {
    throw new ParleyError("audio_invalid", `WAV output needs a positive integer sample rate, got ${sampleRate}`, {
      status: 400,
    });
  }
}
