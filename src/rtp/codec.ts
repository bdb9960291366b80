/**
 * The audio codecs RTP carries here (G.711 PCMU and PCMA, 8 kHz, one byte
 * per sample) and their static payload types (RFC 3551).
 *
 * Decoding reads straight out of the received datagram at an offset, so the
 * receive path needs no subarray view per packet; the tables are built from
 * src/audio's reference decoders, so results are identical to theirs.
 */
import { type G711Law, alawDecodeSample, g711EncodeInto, g711SilenceCode, mulawDecodeSample } from "../audio/index.js";
import { RtpError } from "./errors.js";

export const PT_PCMU = 0;
export const PT_PCMA = 8;
export const RTP_CLOCK_RATE = 8000;

/** Turns payload bytes into PCM16 samples; one sample per byte. */
export interface PayloadDecoder {
  /** Decodes `length` bytes of `src` from `srcOffset` into `out` from `outOffset`. */
  decode(src: Uint8Array, srcOffset: number, length: number, out: Int16Array, outOffset: number): void;
}

/** Table-driven G.711 decoder. */
export class G711Decoder implements PayloadDecoder {
  private readonly table: Int16Array;

  constructor(readonly law: G711Law) {
    this.table = law === "pcmu" ? MULAW_TABLE : ALAW_TABLE;
  }

  decode(src: Uint8Array, srcOffset: number, length: number, out: Int16Array, outOffset: number): void {
    const t = this.table;
    for (let i = 0; i < length; i++) out[outOffset + i] = t[src[srcOffset + i]!]!;
  }
}

const MULAW_TABLE = new Int16Array(256);
const ALAW_TABLE = new Int16Array(256);
for (let c = 0; c < 256; c++) {
  MULAW_TABLE[c] = mulawDecodeSample(c);
  ALAW_TABLE[c] = alawDecodeSample(c);
}

/** Encodes PCM16 into `out` at `offset` with the session's law; returns bytes written. */
export function encodePayload(law: G711Law, pcm: Int16Array, out: Uint8Array, offset: number): number {
  return g711EncodeInto(law, pcm, out, offset);
}

/** The byte that decodes to (near) zero for a law. */
export function silenceByte(law: G711Law): number {
  return g711SilenceCode(law);
}

/** The law a static payload type stands for (0 PCMU, 8 PCMA). */
export function lawForPayloadType(pt: number): G711Law {
  if (pt === PT_PCMU) return "pcmu";
  if (pt === PT_PCMA) return "pcma";
  throw new RtpError("rtp_codec", `payload type ${pt} is not G.711 (0 PCMU or 8 PCMA)`, { status: 488 });
}

/** The static payload type of a law. */
export function payloadTypeForLaw(law: G711Law): number {
  return law === "pcmu" ? PT_PCMU : PT_PCMA;
}
