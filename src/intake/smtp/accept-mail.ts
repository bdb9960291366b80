import { performance } from "node:perf_hooks";
import type { Clock } from "../../lib/clock.js";
import { ParleyError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { isAudioPart } from "../audio-type.js";
import { classifyFailure } from "../handler-outcome.js";
import { prepareRecording, type RecordingLimits } from "../recording.js";
import type { VoicemailCandidate, VoicemailHandler } from "../types.js";
import { extractFields, type compilePatterns } from "./patterns.js";
import { readMail } from "./read-mail.js";
import { smtpError } from "./smtp-reply.js";

/** What taking one mail needs. */
export interface AcceptContext {
  patterns: ReturnType<typeof compilePatterns>;
  defaultMailbox: string | null;
  recordings: RecordingLimits;
  onVoicemail: VoicemailHandler;
  clock: Clock;
  logger: Logger;
  /** Aborted when the intake closes. */
  signal: AbortSignal;
  /** How long the handler may take before the mail gets a 451 (the PBX tries again). */
  handlerTimeoutMs: number;
}

/** A PBX's Date header is trusted within this window; outside it (a wrong clock) the arrival time is used. */
const DATE_PAST_MS = 7 * 24 * 3600_000;
const DATE_FUTURE_MS = 5 * 60_000;

/**
 * One mail, fully received, to one hand-off. Refusals throw an smtpError:
 * 554 (5.6.0) for a mail without a decodable recording or one the handler
 * refuses for good, 451 (4.3.0) for a temporary failure so the PBX's mail
 * queue retries. Resolves with the text of the 250 reply.
 */
export async function acceptMail(
  raw: Buffer,
  recipients: readonly string[],
  ctx: AcceptContext,
  receivedAt = performance.now(),
): Promise<string> {
  const mail = await readMail(raw).catch((err: unknown) => {
    throw smtpError(554, `the mail could not be parsed: ${(err as Error).message}`);
  });
  const origin = mail.messageId ?? "(no Message-ID)";
  const part = mail.attachments.find((a) => isAudioPart(a.contentType, a.filename, a.content));
  if (!part) {
    ctx.logger.warn(
      { messageId: origin, attachments: mail.attachments.length },
      "smtp intake: mail without an audio attachment refused",
    );
    throw smtpError(
      554,
      "no audio attachment: a voicemail mail must carry the recording (WAV, or a format ffmpeg decodes); nothing was stored",
    );
  }
  const name = part.filename ?? part.contentType;
  const recording = await prepareRecording(
    part.content,
    part.contentType,
    part.filename,
    ctx.recordings,
    ctx.signal,
  ).catch((err: unknown) => {
    if (err instanceof ParleyError && err.status < 500)
      throw smtpError(554, `the attachment ${name} is not a usable recording: ${err.message}; nothing was stored`);
    throw smtpError(451, `the attachment ${name} could not be checked now: ${(err as Error).message}`);
  });
  const fields = extractFields(ctx.patterns, {
    subject: mail.subject,
    body: mail.text,
    recipients,
    header: mail.header,
  });
  const now = ctx.clock.now();
  const dated = mail.date?.getTime();
  const candidate: VoicemailCandidate = {
    bytes: recording.bytes,
    contentType: recording.contentType,
    mailbox: fields.mailbox ?? ctx.defaultMailbox,
    caller: { number: fields.callerNumber, name: fields.callerName },
    receivedAt: dated !== undefined && dated > now - DATE_PAST_MS && dated < now + DATE_FUTURE_MS ? dated : now,
    source: "smtp",
    origin,
    filename: recording.filename,
  };
  const handoffMs = performance.now() - receivedAt;
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.handlerTimeoutMs)]);
  const handlerStarted = performance.now();
  try {
    await ctx.onVoicemail(candidate, { signal });
  } catch (err) {
    const failure = classifyFailure(err);
    ctx.logger.warn(
      { messageId: origin, mailbox: candidate.mailbox, permanent: failure.permanent, err: failure.message },
      "smtp intake: voicemail handler failed",
    );
    if (failure.permanent) throw smtpError(554, `the voicemail was refused: ${failure.message}`);
    throw smtpError(451, `the voicemail could not be stored now, try again later: ${failure.message}`);
  }
  ctx.logger.info(
    {
      messageId: origin,
      mailbox: candidate.mailbox,
      caller: candidate.caller.number,
      bytes: candidate.bytes.byteLength,
      durationMs: Math.round(recording.durationMs),
      handoffMs: Math.round(handoffMs),
      handlerMs: Math.round(performance.now() - handlerStarted),
    },
    "smtp intake: voicemail handed on",
  );
  return "OK: voicemail accepted";
}
