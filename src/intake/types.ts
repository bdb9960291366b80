/**
 * What the PBX intakes (voicemail-to-email over SMTP, watched spool folders)
 * hand on: one recording, with the mailbox and caller they could read. The
 * application gives each intake a handler; the voicemail feature's ingest is
 * the one it gives in production. The intakes know no voicemail internals.
 */

export type IntakeSource = "smtp" | "folder";

export interface VoicemailCandidate {
  /** The recording as the PBX made it (WAV, GSM, MP3...): not transcoded. */
  bytes: Uint8Array;
  /** Its MIME type (audio/wav, audio/x-gsm...), from the mail part or the file's extension. */
  contentType: string;
  /** The mailbox it was left in, when the mail or spool says (1001); null otherwise. */
  mailbox: string | null;
  caller: { number: string | null; name: string | null };
  /** When the caller left it (ms since the epoch): the mail's Date, Asterisk's origtime, or arrival. */
  receivedAt: number;
  source: IntakeSource;
  /** Where it came from, for logs: the mail's Message-ID, or the file's path. */
  origin: string;
  /** The recording's file name as the PBX gave it (msg0000.wav), when there is one. */
  filename: string | null;
}

/**
 * Takes a candidate in (stores it, queues its processing). Resolve when it is
 * safely stored. Reject with a ParleyError whose status is 4xx and that is not
 * retryable when the recording itself is unacceptable (the SMTP intake then
 * answers 554, the folder intake never retries it); any other failure is
 * temporary (451: the PBX retries; the folder intake tries again later).
 * Called again for a recording whose earlier hand-off was cut short by a
 * crash: content-hash deduplication makes that harmless.
 */
export type VoicemailHandler = (candidate: VoicemailCandidate, options: { signal: AbortSignal }) => Promise<unknown>;
