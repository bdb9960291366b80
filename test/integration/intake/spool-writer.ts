import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Writes a voicemail spool the way Asterisk's app_voicemail fills it:
 * <root>/<context>/<mailbox>/INBOX/msgNNNN.<fmt>, the audio first (here in
 * pieces, as a copy onto a mounted share arrives), the msgNNNN.txt message
 * information file last.
 */
export interface SpoolMessage {
  context?: string;
  mailbox: string;
  /** The message number: msg0000 is 0. */
  n: number;
  /** Audio files by extension (wav, WAV, gsm...), written in that order. */
  audio: Record<string, Buffer>;
  callerid: string;
  /** Seconds since the epoch. */
  origtime: number;
  /** Pieces each audio file is written in, and the pause between them. */
  pieces?: number;
  pieceGapMs?: number;
  /** Leave the .txt out (a message whose metadata never comes). */
  noTxt?: boolean;
}

export function inbox(root: string, mailbox: string, context = "default"): string {
  return join(root, context, mailbox, "INBOX");
}

export function msgName(n: number): string {
  return `msg${String(n).padStart(4, "0")}`;
}

export const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export async function writeMessage(root: string, m: SpoolMessage): Promise<{ audioPaths: string[]; txtPath: string }> {
  const dir = inbox(root, m.mailbox, m.context);
  mkdirSync(dir, { recursive: true });
  const base = join(dir, msgName(m.n));
  const audioPaths: string[] = [];
  for (const [ext, bytes] of Object.entries(m.audio)) {
    const path = `${base}.${ext}`;
    audioPaths.push(path);
    const pieces = m.pieces ?? 1;
    const size = Math.ceil(bytes.length / pieces);
    writeFileSync(path, bytes.subarray(0, size));
    for (let i = 1; i < pieces; i++) {
      await new Promise((r) => setTimeout(r, m.pieceGapMs ?? 0));
      appendFileSync(path, bytes.subarray(i * size, (i + 1) * size));
    }
  }
  const txtPath = `${base}.txt`;
  if (!m.noTxt) writeFileSync(txtPath, messageTxt(m));
  return { audioPaths, txtPath };
}

/** msgNNNN.txt as app_voicemail writes it (Asterisk 13+ fields). */
export function messageTxt(m: Pick<SpoolMessage, "mailbox" | "callerid" | "origtime" | "n">): string {
  return [
    ";",
    "; Message Information file",
    ";",
    "[message]",
    `origmailbox=${m.mailbox}`,
    "context=from-internal",
    "macrocontext=ext-local",
    "exten=vmu" + m.mailbox,
    "rdnis=unknown",
    "priority=3",
    "callerchan=PJSIP/trunk-00000012",
    `callerid=${m.callerid}`,
    `origdate=${new Date(m.origtime * 1000).toUTCString()}`,
    `origtime=${m.origtime}`,
    "category=",
    `msg_id=${m.origtime}-${String(m.n).padStart(8, "0")}`,
    "flag=",
    "duration=2",
    "",
  ].join("\n");
}
