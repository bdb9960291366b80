/**
 * WAV vocabulary shared by the reader and the writer: encodings, format
 * codes, the WAVE_FORMAT_EXTENSIBLE GUID, header types and the typed errors
 * every malformed or unsupported input maps to.
 */
import { ParleyError } from "../lib/errors.js";

/** Sample encodings the reader decodes. */
export type WavEncoding = "pcm_u8" | "pcm_s16" | "pcm_s24" | "pcm_s32" | "float32" | "float64" | "mulaw" | "alaw";

export const WAVE_FORMAT_PCM = 0x0001;
export const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
export const WAVE_FORMAT_ALAW = 0x0006;
export const WAVE_FORMAT_MULAW = 0x0007;
export const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE_* GUID; bytes 0..1 carry the format code (LE). */
export const SUBFORMAT_GUID_TAIL = Uint8Array.of(
  0x00,
  0x00,
  0x00,
  0x00,
  0x10,
  0x00,
  0x80,
  0x00,
  0x00,
  0xaa,
  0x00,
  0x38,
  0x9b,
  0x71,
);

/** Names for format codes seen in the wild, so a 415 says what the file actually was. */
export const KNOWN_FORMAT_NAMES: Readonly<Record<number, string>> = {
  0x0002: "Microsoft ADPCM",
  0x0011: "IMA ADPCM",
  0x0031: "GSM 6.10",
  0x0040: "G.721 ADPCM",
  0x0050: "MPEG",
  0x0055: "MP3",
  0x0064: "G.726 ADPCM",
  0x0065: "G.722 ADPCM",
  0x00ff: "AAC",
  0x1600: "AAC (ADTS)",
  0x6750: "Vorbis",
  0xf1ac: "FLAC",
};

/** Supported sample rates for uploaded audio. */
export const MIN_WAV_RATE = 4000;
export const MAX_WAV_RATE = 192_000;

/** The data-chunk size our streaming writer (and ffmpeg, on a pipe) leaves when the length is unknown. */
export const UNKNOWN_DATA_SIZE = 0xffffffff;

/** Size fields that mean "unknown, read to the end": 0xFFFFFFFF, and 0x7FFFF000 from sox writing to a pipe. */
export const UNKNOWN_SIZE_MARKERS: ReadonlySet<number> = new Set([UNKNOWN_DATA_SIZE, 0x7ffff000]);

/** What the header says, validated, before any sample is decoded. */
export interface WavHeader {
  encoding: WavEncoding;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
  bigEndian: boolean;
  /** True when the file used WAVE_FORMAT_EXTENSIBLE. */
  extensible: boolean;
  /** Byte offset of the first sample in the buffer. */
  dataOffset: number;
  /** Size the data chunk declares (may exceed what the buffer holds). */
  declaredDataBytes: number;
  /** Bytes that will be decoded: whole frames actually present. */
  dataBytes: number;
  frames: number;
  durationMs: number;
  /** Non-fatal problems that were worked around (truncated data, odd trailing bytes...). */
  warnings: string[];
}

/** A decoded WAV: mono float samples plus what the file was. */
export interface DecodedWav {
  /** Mono (stereo is averaged), float in [-1, 1]. */
  samples: Float32Array;
  sampleRate: number;
  /** Channels in the file (the samples are always mono). */
  channels: number;
  durationMs: number;
  format: WavEncoding;
  warnings: string[];
}

/** A malformed file: 400. */
export function invalidWav(message: string, details?: Record<string, unknown>): ParleyError {
  return new ParleyError("audio_invalid", `invalid WAV: ${message}`, { status: 400, details });
}

/** A well-formed file we do not decode (encoding, channel count, rate): 415. */
export function unsupportedWav(message: string, details?: Record<string, unknown>): ParleyError {
  return new ParleyError("audio_invalid", `unsupported WAV: ${message}`, { status: 415, details });
}
