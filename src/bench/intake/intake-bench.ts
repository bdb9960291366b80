import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { encodeWav, sine } from "../../audio/index.js";
import { configSchema } from "../../config/schema.js";
import { startFolderIntake } from "../../intake/folders/index.js";
import { startSmtpIntake } from "../../intake/smtp/index.js";
import type { VoicemailHandler } from "../../intake/types.js";
import { sleep } from "../../lib/abort.js";
import { silentLogger } from "../../lib/logger.js";
import { openDatabase } from "../../store/index.js";
import { SqliteSql } from "../../store/sql/index.js";
import { machineFacts, median, percentile, round } from "../stats.js";
import { deliver } from "./smtp-client.js";

export interface IntakeBenchOptions {
  /** Mails sent, one after another (default 20). */
  mails?: number;
  /** Recordings dropped in the spool, one after another (default 5). */
  files?: number;
  /** Folder settings; the defaults are the configuration's (2000 ms each). */
  stableMs?: number;
  pollMs?: number;
  /** Length of each recording (default 30 s of 8 kHz 16-bit audio, a typical voicemail). */
  recordingMs?: number;
  /** ffmpeg, for the decode check of other formats (not used by the WAV recordings here). */
  ffmpeg?: string | null;
  log?: (line: string) => void;
}

interface Spread {
  p50: number;
  p95: number;
  max: number;
}

export interface IntakeBenchReport {
  machine: Record<string, unknown>;
  recording: { ms: number; bytes: number };
  /** From the end of DATA to the handler's call; and to the 250 the PBX gets (the handler here returns at once). */
  smtp: { mails: number; handoffMs: Spread; replyMs: Spread };
  /** From the msgNNNN.txt written (the recording complete, as Asterisk writes it) to the handler's call; arrivals spread over the poll cycle. */
  folders: { files: number; stableMs: number; pollMs: number; handoffMs: Spread };
}

/**
 * Time from arrival to hand-off of each PBX intake, in one process: mails
 * over SMTP on 127.0.0.1 (FreePBX's template, a WAV attachment) and
 * recordings written into an Asterisk-style spool. The handler only notes the
 * time, so the figures are the intakes' own (parsing, the decode check, the
 * folder's stability wait), not storage or triage.
 */
export async function benchIntake(options: IntakeBenchOptions = {}): Promise<IntakeBenchReport> {
  const log = options.log ?? (() => {});
  const recordingMs = options.recordingMs ?? 30_000;
  const wav = encodeWav({ channels: [sine(440, { sampleRate: 8000, durationMs: recordingMs })], sampleRate: 8000 });
  const dir = mkdtempSync(join(tmpdir(), "parley-intake-bench-"));
  try {
    const smtp = await benchSmtp(wav, options.mails ?? 20, options.ffmpeg ?? null, log);
    const folders = await benchFolders(dir, wav, options, log);
    return { machine: machineFacts(), recording: { ms: recordingMs, bytes: wav.length }, smtp, folders };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchSmtp(
  wav: Buffer,
  mails: number,
  ffmpeg: string | null,
  log: (line: string) => void,
): Promise<IntakeBenchReport["smtp"]> {
  const calledAt: number[] = [];
  const onVoicemail: VoicemailHandler = async () => {
    calledAt.push(performance.now());
  };
  const config = configSchema.parse({ intake: { smtp: { listen: "127.0.0.1:0" } } }).intake.smtp!;
  const intake = await startSmtpIntake(config, { onVoicemail, recordings: { ffmpeg }, logger: silentLogger() });
  const handoff: number[] = [];
  const reply: number[] = [];
  try {
    for (let i = 0; i < mails; i++) {
      const sent = await deliver(intake.address.port, "vm@pbx.bench", "1001@parley.bench", freepbxMail(wav, i));
      if (!sent.reply.startsWith("250")) throw new Error(`the intake refused a bench mail: ${sent.reply}`);
      handoff.push(calledAt[i]! - sent.dataEndAt);
      reply.push(sent.repliedAt - sent.dataEndAt);
    }
  } finally {
    await intake.close();
  }
  log(`smtp: ${mails} mails, hand-off p50 ${round(median(handoff), 1)} ms`);
  return { mails, handoffMs: spread(handoff), replyMs: spread(reply) };
}

async function benchFolders(
  dir: string,
  wav: Buffer,
  options: IntakeBenchOptions,
  log: (line: string) => void,
): Promise<IntakeBenchReport["folders"]> {
  const root = join(dir, "voicemail");
  const box = join(root, "default", "1001", "INBOX");
  mkdirSync(box, { recursive: true });
  const folder = configSchema.parse({ intake: { folders: [{ path: root, ...pick(options) }] } }).intake.folders[0]!;
  const db = openDatabase(join(dir, "parley.db"));
  const calledAt: number[] = [];
  const intake = await startFolderIntake([folder], {
    sql: new SqliteSql(db),
    recordings: { ffmpeg: options.ffmpeg ?? null },
    logger: silentLogger(),
    onVoicemail: async () => {
      calledAt.push(performance.now());
    },
  });
  const files = options.files ?? 5;
  const handoff: number[] = [];
  try {
    for (let i = 0; i < files; i++) {
      // Arrivals spread over the poll cycle, as real ones fall: right after a hand-off the next scan is a full poll away.
      await sleep((i / files) * folder.pollMs);
      const base = join(box, `msg${String(i).padStart(4, "0")}`);
      // A distinct recording each time (the intake knows recordings by content).
      const audio = Buffer.concat([wav, Buffer.from([i & 0xff, 0])]);
      audio.writeUInt32LE(audio.length - 44, 40);
      audio.writeUInt32LE(audio.length - 8, 4);
      writeFileSync(`${base}.wav`, audio);
      writeFileSync(
        `${base}.txt`,
        `[message]\norigmailbox=1001\ncallerid="Bench" <5550100>\norigtime=${Math.floor(Date.now() / 1000)}\n`,
      );
      const txtAt = performance.now();
      while (calledAt.length <= i) await sleep(5);
      handoff.push(calledAt[i]! - txtAt);
    }
  } finally {
    await intake.close();
    db.close();
  }
  log(
    `folders: ${files} recordings, hand-off p50 ${round(median(handoff), 1)} ms (stableMs ${folder.stableMs}, pollMs ${folder.pollMs})`,
  );
  return { files, stableMs: folder.stableMs, pollMs: folder.pollMs, handoffMs: spread(handoff) };
}

/** A mail in FreePBX's default voicemail template, the recording attached as app_voicemail does. */
function freepbxMail(wav: Buffer, i: number): Buffer {
  const boundary = "----voicemail_bench";
  const text = `Bob,\r\n\r\nThere is a new voicemail in mailbox 1001:\r\n\r\n\tFrom:\t"Caller ${i}" <55501${String(i % 100).padStart(2, "0")}>\r\n`;
  const audio = Buffer.concat([wav, Buffer.from([i & 0xff, 0])]);
  audio.writeUInt32LE(audio.length - 44, 40);
  audio.writeUInt32LE(audio.length - 8, 4);
  return Buffer.from(
    [
      "From: vm@pbx.bench",
      "To: bob@parley.bench",
      "Subject: PBX Voicemail Notification",
      `Message-ID: <bench-${i}@pbx.bench>`,
      "MIME-Version: 1.0",
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      "",
      `--${boundary}`,
      "Content-Type: text/plain; charset=ISO-8859-1",
      "",
      text,
      `--${boundary}`,
      'Content-Type: audio/x-wav; name="msg0000.wav"',
      "Content-Transfer-Encoding: base64",
      'Content-Disposition: attachment; filename="msg0000.wav"',
      "",
      ...(audio.toString("base64").match(/.{1,76}/g) ?? []),
      "",
      `--${boundary}--`,
      "",
    ].join("\r\n"),
  );
}

function pick(o: IntakeBenchOptions): { stableMs?: number; pollMs?: number } {
  return {
    ...(o.stableMs !== undefined ? { stableMs: o.stableMs } : {}),
    ...(o.pollMs !== undefined ? { pollMs: o.pollMs } : {}),
  };
}

function spread(values: readonly number[]): Spread {
  return { p50: round(median(values), 1), p95: round(percentile(values, 95), 1), max: round(Math.max(...values), 1) };
}
