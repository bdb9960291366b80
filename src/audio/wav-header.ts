/**
 * WAV header parsing: magic, chunk walk, `fmt `, `data`, limits. Reads only
 * the header and size fields, never the samples, so size and duration limits
 * are enforced before any decoding or allocation.
 *
 * Policy for damaged files: a data chunk that claims more bytes than the
 * buffer holds (an upload cut short, or a streaming writer that never patched
 * the size, or wrote 0xFFFFFFFF) is accepted when the header is intact and at
 * least one whole sample frame is present; what is present is decoded and a
 * `warnings` entry says so. Voicemails from crashed recorders are still worth
 * transcribing. Everything else that does not add up is rejected.
 *
 * Limits judge the size the header declares (so a caller can refuse an upload
 * from its first few KB), except the "unknown length" markers that ffmpeg
 * (0xFFFFFFFF) and sox (0x7FFFF000) write on pipes, which are judged by the
 * bytes present.
 */
import { ParleyError } from "../lib/errors.js";
import {
  KNOWN_FORMAT_NAMES,
  MAX_WAV_RATE,
  MIN_WAV_RATE,
  SUBFORMAT_GUID_TAIL,
  UNKNOWN_DATA_SIZE,
  UNKNOWN_SIZE_MARKERS,
  WAVE_FORMAT_ALAW,
  WAVE_FORMAT_EXTENSIBLE,
  WAVE_FORMAT_IEEE_FLOAT,
  WAVE_FORMAT_MULAW,
  WAVE_FORMAT_PCM,
  type WavEncoding,
  type WavHeader,
  invalidWav,
  unsupportedWav,
} from "./wav-format.js";

export interface WavLimits {
  /** Reject when the buffer, or the data chunk the header declares, is larger (413 audio_too_large). */
  maxBytes?: number;
  /** Reject when the declared audio (present audio, for an unknown size) is longer (413 audio_too_long). */
  maxDurationMs?: number;
}

interface FmtFields {
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  extensible: boolean;
}

class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly littleEndian: boolean,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(at: number): number {
    return this.view.getUint16(at, this.littleEndian);
  }
  u32(at: number): number {
    return this.view.getUint32(at, this.littleEndian);
  }
  /** Four bytes as text, or null when they are not printable ASCII (not a chunk id). */
  id(at: number): string | null {
    let s = "";
    for (let i = at; i < at + 4; i++) {
      const c = this.bytes[i]!;
      if (c < 0x20 || c > 0x7e) return null;
      s += String.fromCharCode(c);
    }
    return s;
  }
}

/** Parses and validates a WAV header from a buffer; checks limits; reads no samples. */
export function readWavHeader(bytes: Uint8Array, limits: WavLimits = {}): WavHeader {
  const len = bytes.byteLength;
  if (limits.maxBytes !== undefined && len > limits.maxBytes) throw tooLarge(len, limits.maxBytes, "the file");
  if (len < 12) throw invalidWav(`truncated header: ${len} bytes, a WAV file needs at least 44`, { bytes: len });
  const magic = String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!);
  if (magic === "RF64" || magic === "BW64") throw unsupportedWav(`${magic} (64-bit WAV) is not supported`);
  if (magic !== "RIFF" && magic !== "RIFX") {
    throw invalidWav(`wrong magic ${JSON.stringify(magic)}, expected "RIFF" (this is not a WAV file)`);
  }
  const r = new Reader(bytes, magic === "RIFF");
  const form = r.id(8);
  if (form !== "WAVE") throw invalidWav(`RIFF form type is ${JSON.stringify(form ?? "?")}, expected "WAVE"`);
  const riffSize = r.u32(4);

  const warnings: string[] = [];
  let fmt: FmtFields | null = null;
  let offset = 12;
  while (offset + 8 <= len) {
    const id = r.id(offset);
    if (id === null) throw invalidWav(`malformed chunk header at byte ${offset} (not a chunk id)`, { offset });
    const size = r.u32(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      if (fmt !== null) {
        warnings.push(`second fmt chunk at byte ${offset} ignored`);
      } else {
        if (size < 16) throw invalidWav(`fmt chunk is ${size} bytes, needs at least 16`, { offset, size });
        if (body + size > len)
          throw invalidWav(`truncated header: fmt chunk at byte ${offset} runs past the end of the file`, {
            offset,
            size,
          });
        fmt = parseFmt(r, body, size, warnings);
      }
    } else if (id === "data") {
      if (fmt === null) throw invalidWav("data chunk comes before any fmt chunk");
      return finish(fmt, r, body, size, riffSize, warnings, limits);
    }
    let next = body + size + (size & 1);
    if (next > len) {
      throw invalidWav(
        `chunk ${JSON.stringify(id)} at byte ${offset} declares ${size} bytes, past the end of the file (${len} bytes), before any data chunk`,
        {
          offset,
          size,
        },
      );
    }
    // Some writers omit the pad byte after an odd-sized chunk; follow whichever offset holds a chunk id.
    if ((size & 1) === 1 && next + 8 <= len && r.id(next) === null && r.id(next - 1) !== null) {
      next -= 1;
      warnings.push(`chunk ${JSON.stringify(id)} at byte ${offset} has an odd size and no pad byte`);
    }
    offset = next;
  }
  if (fmt === null) throw invalidWav(offset === 12 && len < 44 ? `truncated header: ${len} bytes` : "no fmt chunk");
  if (offset < len)
    throw invalidWav(`no data chunk (the file ends inside a chunk header at byte ${offset})`, { offset });
  throw invalidWav("no data chunk", { bytes: len });
}

function parseFmt(r: Reader, at: number, size: number, warnings: string[]): FmtFields {
  let tag = r.u16(at);
  const channels = r.u16(at + 2);
  const sampleRate = r.u32(at + 4);
  const byteRate = r.u32(at + 8);
  const blockAlign = r.u16(at + 12);
  const bitsPerSample = r.u16(at + 14);
  const extensible = tag === WAVE_FORMAT_EXTENSIBLE;
  if (extensible) {
    if (size < 40) throw invalidWav(`WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes, needs 40`, { size });
    tag = subFormat(r, at + 24);
  }

  // A codec we do not decode (GSM 6.10 from Asterisk's wav49, ADPCM...) is a 415 whatever its other fields say:
  // GSM declares 0 bits per sample, which is right for GSM and would otherwise read as a broken file.
  if (!DECODED_TAGS.has(tag)) throw unsupportedEncoding(tag);
  if (channels === 0) throw invalidWav("fmt chunk says 0 channels");
  if (channels > 2) throw unsupportedWav(`${channels} channels; only mono and stereo are supported`, { channels });
  if (sampleRate === 0) throw invalidWav("fmt chunk says sample rate 0");
  if (sampleRate < MIN_WAV_RATE || sampleRate > MAX_WAV_RATE) {
    throw unsupportedWav(`sample rate ${sampleRate} Hz is outside ${MIN_WAV_RATE}..${MAX_WAV_RATE} Hz`, { sampleRate });
  }
  if (bitsPerSample === 0) throw invalidWav("fmt chunk says 0 bits per sample");
  // 0 bytes per frame is no layout at all: guessing one would decode whatever the header really meant as noise.
  if (blockAlign === 0)
    throw invalidWav("fmt chunk says block align 0 (bytes per sample frame): the header is corrupt", { blockAlign });
  // The container (bytes per sample) comes from blockAlign: 20-bit audio in 3-byte slots is legal.
  const container = blockAlign / channels;
  if (!Number.isInteger(container) || bitsPerSample > container * 8) {
    throw invalidWav(`block align ${blockAlign} does not fit ${channels} channel(s) of ${bitsPerSample}-bit samples`, {
      blockAlign,
      channels,
      bitsPerSample,
    });
  }
  const encoding = pickEncoding(tag, container, bitsPerSample);
  if (byteRate !== blockAlign * sampleRate)
    warnings.push(`fmt byte rate ${byteRate} disagrees with ${blockAlign * sampleRate}; ignored`);
  return { encoding, channels, sampleRate, bitsPerSample, blockAlign, extensible };
}

/** Format code inside a KSDATAFORMAT_SUBTYPE GUID; its first three fields follow the file's byte order. */
function subFormat(r: Reader, at: number): number {
  const data1 = r.u32(at);
  const data2 = r.u16(at + 4);
  const data3 = r.u16(at + 6);
  let tailOk = data1 >>> 16 === 0 && data2 === 0x0000 && data3 === 0x0010;
  for (let i = 0; tailOk && i < 8; i++) tailOk = r.bytes[at + 8 + i] === SUBFORMAT_GUID_TAIL[6 + i];
  if (!tailOk)
    throw unsupportedWav("WAVE_FORMAT_EXTENSIBLE with a sub-format GUID that is not a standard audio format");
  return data1 & 0xffff;
}

function pickEncoding(tag: number, container: number, bits: number): WavEncoding {
  switch (tag) {
    case WAVE_FORMAT_PCM: {
      const byContainer: Record<number, WavEncoding> = { 1: "pcm_u8", 2: "pcm_s16", 3: "pcm_s24", 4: "pcm_s32" };
      const enc = byContainer[container];
      if (enc === undefined) throw unsupportedWav(`PCM with ${container}-byte samples`, { bitsPerSample: bits });
      return enc;
    }
    case WAVE_FORMAT_IEEE_FLOAT:
      if (container === 4 && bits === 32) return "float32";
      if (container === 8 && bits === 64) return "float64";
      throw unsupportedWav(`IEEE float with ${bits}-bit samples in ${container}-byte slots`, { bitsPerSample: bits });
    case WAVE_FORMAT_MULAW:
    case WAVE_FORMAT_ALAW:
      if (container !== 1 || bits !== 8) throw invalidWav(`G.711 audio must be 8 bits per sample, got ${bits}`);
      return tag === WAVE_FORMAT_MULAW ? "mulaw" : "alaw";
    default:
      throw unsupportedEncoding(tag);
  }
}

/** The format tags decoded in process. */
const DECODED_TAGS: ReadonlySet<number> = new Set([
  WAVE_FORMAT_PCM,
  WAVE_FORMAT_IEEE_FLOAT,
  WAVE_FORMAT_MULAW,
  WAVE_FORMAT_ALAW,
]);

/** 415 naming the codec; `details.formatTag` tells decodeUpload that ffmpeg may read it. */
function unsupportedEncoding(tag: number): ReturnType<typeof unsupportedWav> {
  const hex = `0x${tag.toString(16).padStart(4, "0")}`;
  const name = KNOWN_FORMAT_NAMES[tag];
  return unsupportedWav(
    `encoding ${name === undefined ? hex : `${name} (${hex})`}; convert to PCM, float, mu-law or A-law`,
    { formatTag: tag },
  );
}

function finish(
  fmt: FmtFields,
  r: Reader,
  dataOffset: number,
  declared: number,
  riffSize: number,
  warnings: string[],
  limits: WavLimits,
): WavHeader {
  const present = r.bytes.byteLength - dataOffset;
  if (declared === 0) throw invalidWav("data chunk is empty (0 bytes)");
  // A marker only means "unknown" when the file does not actually hold that much.
  const unknownSize = declared > present && UNKNOWN_SIZE_MARKERS.has(declared);
  // Limits use the declared size, so an upload can be refused from its first bytes; an unknown size uses what is present.
  const limitBytes = unknownSize ? present : declared;
  if (limits.maxBytes !== undefined && limitBytes > limits.maxBytes)
    throw tooLarge(limitBytes, limits.maxBytes, "the data chunk");
  const limitMs = (Math.floor(limitBytes / fmt.blockAlign) * 1000) / fmt.sampleRate;
  if (limits.maxDurationMs !== undefined && limitMs > limits.maxDurationMs) {
    throw new ParleyError(
      "audio_too_long",
      `audio is ${fmtMs(limitMs)} long, the limit is ${fmtMs(limits.maxDurationMs)}`,
      {
        status: 413,
        details: { durationMs: limitMs, maxDurationMs: limits.maxDurationMs },
      },
    );
  }

  let bytes = declared;
  if (declared > present) {
    bytes = present;
    warnings.push(
      unknownSize
        ? `data size unknown (0x${declared.toString(16).toUpperCase()}, left by a streaming writer); decoded the ${present} bytes present`
        : `data chunk declares ${declared} bytes but only ${present} are present (file truncated); decoded what is present`,
    );
  }
  const partial = bytes % fmt.blockAlign;
  if (partial !== 0) {
    bytes -= partial;
    warnings.push(`dropped ${partial} trailing byte(s) of an incomplete sample frame`);
  }
  if (bytes === 0)
    throw invalidWav(`truncated data: no complete sample frame (${present} bytes after the data header)`);
  if (riffSize !== UNKNOWN_DATA_SIZE && riffSize !== 0 && riffSize + 8 < dataOffset + bytes) {
    warnings.push(`RIFF size ${riffSize} is smaller than the audio it contains; ignored`);
  }
  const frames = bytes / fmt.blockAlign;
  return {
    ...fmt,
    bigEndian: !r.littleEndian,
    dataOffset,
    declaredDataBytes: declared,
    dataBytes: bytes,
    frames,
    durationMs: (frames * 1000) / fmt.sampleRate,
    warnings,
  };
}

function tooLarge(bytes: number, max: number, what: string): ParleyError {
  return new ParleyError("audio_too_large", `${what} is ${bytes} bytes, the limit is ${max}`, {
    status: 413,
    details: { bytes, maxBytes: max },
  });
}

function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}
