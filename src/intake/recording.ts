import { decodeUpload, encodeWav, readWavHeader } from "../audio/index.js";
import { ParleyError } from "../lib/errors.js";
import { extensionOf } from "./audio-type.js";

/** How recordings are checked: the voicemail limits, and ffmpeg for formats other than WAV. */
export interface RecordingLimits {
  /** Path of ffmpeg, or null when it is not installed (WAV only then). */
  ffmpeg: string | null;
  maxBytes?: number;
  maxDurationMs?: number;
}

export interface PreparedRecording {
  bytes: Uint8Array;
  contentType: string;
  filename: string | null;
  durationMs: number;
}

/**
 * Checks that a recording decodes (src/audio's decodeUpload, within the
 * limits) before it is handed on, so a bad attachment or file is refused at
 * the door with the decoder's reason (a ParleyError with a 4xx status).
 * The bytes go on as the PBX made them, except a WAV whose codec the pipeline
 * does not read in process (GSM 6.10, which Asterisk's default wav49 format
 * writes, ADPCM): that goes on as the 16-bit PCM WAV decoded from it, which
 * any handler reads.
 */
export async function prepareRecording(
  bytes: Uint8Array,
  contentType: string,
  filename: string | null,
  limits: RecordingLimits,
  signal?: AbortSignal,
): Promise<PreparedRecording> {
  const decoded = await decodeUpload(bytes, { ffmpeg: limits.ffmpeg, ...pick(limits), ...(signal ? { signal } : {}) });
  if (!isRiff(bytes) || readableInProcess(bytes))
    return { bytes, contentType, filename, durationMs: decoded.durationMs };
  const pcm = encodeWav({ channels: [decoded.samples], sampleRate: decoded.sampleRate });
  const base = filename && extensionOf(filename) ? filename.replace(/\.[^.]+$/, "") : (filename ?? "recording");
  return { bytes: pcm, contentType: "audio/wav", filename: `${base}.wav`, durationMs: decoded.durationMs };
}

function pick(limits: RecordingLimits): { maxBytes?: number; maxDurationMs?: number } {
  return {
    ...(limits.maxBytes !== undefined ? { maxBytes: limits.maxBytes } : {}),
    ...(limits.maxDurationMs !== undefined ? { maxDurationMs: limits.maxDurationMs } : {}),
  };
}

function isRiff(bytes: Uint8Array): boolean {
  return bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && (bytes[3] === 0x46 || bytes[3] === 0x58);
}

function readableInProcess(bytes: Uint8Array): boolean {
  try {
    readWavHeader(bytes);
    return true;
  } catch (err) {
    if (err instanceof ParleyError && err.details?.formatTag !== undefined) return false;
    throw err;
  }
}
