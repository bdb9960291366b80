import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createTransport } from "nodemailer";
import { encodeWav, sine } from "../../../src/audio/index.js";

export const FFMPEG = existsSync("/usr/bin/ffmpeg") ? "/usr/bin/ffmpeg" : null;
export const noFfmpeg: string | false = FFMPEG ? false : "ffmpeg is not installed (apt-get install ffmpeg)";

/** A short PCM WAV recording (a tone stands in for speech: the intake only moves bytes). */
export function toneWav(ms = 1500, hz = 440): Buffer {
  return encodeWav({ channels: [sine(hz, { sampleRate: 8000, durationMs: ms })], sampleRate: 8000 });
}

/** The same as GSM 6.10 in a WAV container: what Asterisk's default wav49 format attaches (msg0000.WAV). */
export function gsmWav(dir: string, ms = 1500): Buffer {
  const pcm = join(dir, "pcm.wav");
  writeFileSync(pcm, toneWav(ms));
  execFileSync(FFMPEG ?? "ffmpeg", ["-loglevel", "error", "-y", "-i", pcm, "-c:a", "gsm_ms", join(dir, "msg0000.WAV")]);
  return readFileSync(join(dir, "msg0000.WAV"));
}

export interface RawPart {
  contentType: string;
  filename?: string;
  body: Buffer | string;
}

/**
 * A mail as Asterisk's app_voicemail writes it (make_email): headers, a
 * multipart/mixed body with a text/plain part (8bit) and the recording as a
 * base64 part named msgNNNN.<fmt>, CRLF line ends as on the wire.
 */
export function asteriskMail(o: {
  from: string;
  to: string;
  subject: string;
  headers?: Record<string, string>;
  text: string;
  parts: RawPart[];
}): Buffer {
  const boundary = "----voicemail_100117330001234567";
  const lines = [
    "Date: " + new Date().toUTCString(),
    `From: ${o.from}`,
    `To: ${o.to}`,
    `Subject: ${o.subject}`,
    `Message-ID: <Asterisk-1-${Date.now()}-1001-4242@pbx.test>`,
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    "",
    "This is a multi-part message in MIME format.",
    "",
    `--${boundary}`,
    "Content-Type: text/plain; charset=ISO-8859-1",
    "Content-Transfer-Encoding: 8bit",
    "",
    ...o.text.split("\n"),
  ];
  for (const part of o.parts) {
    const body = typeof part.body === "string" ? Buffer.from(part.body) : part.body;
    lines.push(
      `--${boundary}`,
      `Content-Type: ${part.contentType}${part.filename ? `; name="${part.filename}"` : ""}`,
      "Content-Transfer-Encoding: base64",
      "Content-Description: Voicemail sound attachment.",
      ...(part.filename ? [`Content-Disposition: attachment; filename="${part.filename}"`] : []),
      "",
      ...(body.toString("base64").match(/.{1,76}/g) ?? []),
      "",
    );
  }
  lines.push(`--${boundary}--`, "");
  return Buffer.from(lines.join("\r\n"));
}

export interface SendResult {
  ok: boolean;
  /** The final SMTP reply code (250 when accepted). */
  code: number;
  /** The reply line, e.g. "554 5.6.0 no audio attachment...". */
  response: string;
}

export interface SendOptions {
  port: number;
  from?: string;
  to?: string[];
  raw?: Buffer;
  /** A mail nodemailer composes instead of `raw`. */
  compose?: {
    subject: string;
    text: string;
    attachments?: { filename: string; content: Buffer; contentType?: string }[];
    headers?: Record<string, string>;
  };
  auth?: { user: string; pass: string };
  localAddress?: string;
  /** Use STARTTLS (the test's self-signed certificate is accepted). */
  starttls?: boolean;
}

/** Sends one mail over SMTP to 127.0.0.1 with nodemailer and returns the server's verdict. */
export async function sendMail(o: SendOptions): Promise<SendResult> {
  const transport = createTransport({
    host: "127.0.0.1",
    port: o.port,
    secure: false,
    name: "pbx.test",
    ...(o.starttls ? { requireTLS: true, tls: { rejectUnauthorized: false } } : { ignoreTLS: true }),
    ...(o.auth ? { auth: o.auth } : {}),
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    connectionTimeout: 5000,
    greetingTimeout: 5000,
    socketTimeout: 20_000,
  });
  const envelope = { from: o.from ?? "vm@pbx.test", to: o.to ?? ["1001@parley.test"] };
  try {
    const info = o.raw
      ? await transport.sendMail({ envelope, raw: o.raw })
      : await transport.sendMail({ envelope, from: envelope.from, to: envelope.to, ...o.compose });
    return { ok: true, code: Number(/^(\d{3})/.exec(info.response)?.[1] ?? 0), response: info.response };
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? 0, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}
