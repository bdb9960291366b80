import { runCommand } from "../lib/commands/helper.js";
import { ParleyError } from "../lib/errors.js";
import { parseWav, type WavLimits } from "./wav.js";
import type { DecodedWav } from "./wav-format.js";

export interface DecodeOptions extends WavLimits {
  /** Path of ffmpeg for formats other than WAV; null when it is not installed. */
  ffmpeg: string | null;
  signal?: AbortSignal;
}

const RIFF = [0x52, 0x49, 0x46, 0x46];
const RIFX = [0x52, 0x49, 0x46, 0x58];
const startsWith = (b: Uint8Array, sig: number[]) => sig.every((v, i) => b[i] === v);

/**
 * Any uploaded recording to mono samples. WAV (PCM, mu-law, A-law, float, any
 * rate, mono or stereo) is read in process; anything else (other codecs in a
 * WAV container included, such as Asterisk's GSM wav49) goes through ffmpeg
 * when it is installed (to 16 kHz mono PCM WAV on a pipe), and is a 415
 * otherwise. Limits apply before the work: the WAV header, or ffmpeg's `-t`.
 */
export async function decodeUpload(bytes: Uint8Array, o: DecodeOptions): Promise<DecodedWav> {
  if (bytes.length === 0) throw new ParleyError("audio_empty", "the audio is empty (0 bytes)", { status: 400 });
  if (o.maxBytes !== undefined && bytes.length > o.maxBytes) {
    throw new ParleyError("audio_too_large", `the audio is ${bytes.length} bytes; the limit is ${o.maxBytes}`, {
      status: 413,
    });
  }
  if (startsWith(bytes, RIFF) || startsWith(bytes, RIFX)) {
    try {
      return parseWav(bytes, o);
    } catch (err) {
      // A WAV container around a codec we do not decode in process (GSM 6.10: Asterisk's wav49, ADPCM): ffmpeg reads it.
      if (!o.ffmpeg || !(err instanceof ParleyError) || err.details?.formatTag === undefined) throw err;
    }
  }
  if (!o.ffmpeg) {
    throw new ParleyError(
      "audio_unsupported",
      "only WAV audio is accepted on this server (install ffmpeg for MP3, OGG, M4A and others)",
      { status: 415 },
    );
  }
  const wav = await transcode(o.ffmpeg, bytes, o);
  const decoded = parseWav(wav, {});
  if (o.maxDurationMs !== undefined && decoded.durationMs > o.maxDurationMs) {
    throw new ParleyError(
      "audio_too_long",
      `the audio is longer than the limit of ${Math.round(o.maxDurationMs / 1000)} s`,
      { status: 413 },
    );
  }
  return decoded;
}

/** ffmpeg reads stdin, writes WAV to stdout; no shell, arguments are fixed, so nothing in the upload reaches a command line. */
async function transcode(ffmpeg: string, input: Uint8Array, o: DecodeOptions): Promise<Buffer> {
  const args = [
    "-hide_banner",
    "-loglevel",
    "error",
    "-nostdin",
    "-i",
    "pipe:0",
    "-vn",
    "-ac",
    "1",
    "-ar",
    "16000",
    "-c:a",
    "pcm_s16le",
  ];
  // One second past the limit is enough to know the recording is too long, without decoding all of it.
  if (o.maxDurationMs !== undefined) args.push("-t", String(o.maxDurationMs / 1000 + 1));
  args.push("-f", "wav", "pipe:1");
  // Through the server's command helper where it runs (a fork of the server would stall its live calls).
  const r = await runCommand(ffmpeg, args, { input, ...(o.signal ? { signal: o.signal } : {}) });
  if (r.spawnError !== null && r.code === null) {
    throw new ParleyError("audio_decode_failed", `ffmpeg could not run: ${r.spawnError}`, { status: 500 });
  }
  if (r.code === 0 && r.stdout.length > 0) return r.stdout;
  const reason = r.stderr.trim().split("\n").pop() || `ffmpeg exited with ${r.code ?? r.signal}`;
  throw new ParleyError("audio_unsupported", `the audio could not be decoded: ${reason}`, { status: 415 });
}
