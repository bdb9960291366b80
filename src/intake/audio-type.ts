/**
 * Deciding what is a recording, by MIME type, file extension or magic bytes,
 * and naming its type. PBXs label voicemail in many ways: Asterisk sends
 * audio/x-wav (and audio/x-WAV for wav49, GSM in a WAV), audio/x-gsm,
 * application/ogg; others send audio/mpeg or application/octet-stream.
 */

const TYPES: Readonly<Record<string, string>> = {
  wav: "audio/wav",
  wave: "audio/wav",
  gsm: "audio/x-gsm",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/opus",
  flac: "audio/flac",
  m4a: "audio/mp4",
  aac: "audio/aac",
  amr: "audio/amr",
  wma: "audio/x-ms-wma",
  ulaw: "audio/basic",
  alaw: "audio/x-alaw-basic",
  sln: "audio/L16",
  g722: "audio/G722",
};

/** The extension of a file name, lower case, without the dot; "" when none. */
export function extensionOf(filename: string | null | undefined): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(filename ?? "");
  return m?.[1]?.toLowerCase() ?? "";
}

/** The MIME type for an audio file name, or null when the extension is not audio. */
export function audioTypeForName(filename: string | null | undefined): string | null {
  return TYPES[extensionOf(filename)] ?? null;
}

/** True for bytes that start like an audio container we know (RIFF/WAVE, MP3, Ogg, FLAC, AMR, MP4). */
export function looksLikeAudio(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 12));
  const text = head.toString("latin1");
  if ((text.startsWith("RIFF") || text.startsWith("RIFX")) && text.slice(8, 12) === "WAVE") return true;
  if (text.startsWith("ID3") || text.startsWith("OggS") || text.startsWith("fLaC") || text.startsWith("#!AMR"))
    return true;
  if (text.slice(4, 8) === "ftyp") return true;
  // An MPEG audio frame sync: 11 set bits.
  return head.length >= 2 && head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0;
}

/**
 * Whether a mail part is a recording: an audio/* type, application/ogg, or an
 * audio file name or audio bytes under a generic type (octet-stream).
 */
export function isAudioPart(contentType: string, filename: string | null | undefined, bytes: Uint8Array): boolean {
  const type = contentType.toLowerCase().split(";")[0]?.trim() ?? "";
  if (type.startsWith("audio/") || type === "application/ogg") return true;
  if (
    type.startsWith("text/") ||
    type.startsWith("image/") ||
    type.startsWith("multipart/") ||
    type === "message/rfc822"
  )
    return false;
  return audioTypeForName(filename) !== null || looksLikeAudio(bytes);
}
