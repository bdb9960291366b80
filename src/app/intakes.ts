import type { ParleyConfig } from "../config/index.js";
import {
  startFolderIntake,
  startMessageWaiting,
  startSmtpIntake,
  type FolderIntake,
  type MessageWaiting,
  type SmtpIntake,
  type VoicemailHandler,
} from "../intake/index.js";
import type { SipPort } from "../sip/index.js";
import type { Voicemail } from "../voicemail/voicemail.js";
import type { Infrastructure } from "./infrastructure.js";

/** The PBX intakes a running Parley has: each is null when not configured. */
export interface Intakes {
  smtp: SmtpIntake | null;
  folders: FolderIntake | null;
  mwi: MessageWaiting | null;
  close(): Promise<void>;
}

/**
 * Starts what `intake` configures: the SMTP listener (voicemail-to-email),
 * the watched spool folders, both handing voicemails to the voicemail
 * feature's ingest with their source; and message waiting, which needs SIP.
 * A listener that cannot start (port taken) fails the start, closing what
 * was started before it.
 */
export async function startIntakes(
  services: Infrastructure,
  voicemail: Pick<Voicemail, "ingest">,
  sip: SipPort | null,
): Promise<Intakes> {
  const { config, logger } = services;
  const onVoicemail: VoicemailHandler = async (c) =>
    voicemail.ingest({
      bytes: c.bytes,
      caller: c.caller.number,
      callerName: c.caller.name,
      mailbox: c.mailbox,
      receivedAt: c.receivedAt,
      source: c.source,
    });
  const recordings = {
    ffmpeg: services.ffmpeg,
    maxBytes: config.voicemail.maxBytes,
    maxDurationMs: config.voicemail.maxDurationMs,
  };
  const folders =
    config.intake.folders.length > 0
      ? await startFolderIntake(config.intake.folders, {
          sql: services.sql,
          onVoicemail,
          recordings,
          logger,
          // The global rules: no agent is chosen yet when a file is taken.
          scrub: (text) => services.privacy.scrub(null, text),
        })
      : null;
  let smtp: SmtpIntake | null = null;
  if (config.intake.smtp) {
    try {
      smtp = await startSmtpIntake(config.intake.smtp, { onVoicemail, recordings, logger });
    } catch (err) {
      await folders?.close();
      throw err;
    }
  }
  const mwi = mwiFor(config, services, sip);
  if (smtp) logger.info({ ...smtp.address }, "smtp intake listening");
  if (folders) logger.info({ folders: config.intake.folders.map((f) => f.path) }, "watching spool folders");
  return {
    smtp,
    folders,
    mwi,
    async close() {
      await Promise.all([smtp?.close(), folders?.close(), mwi?.close()]);
    },
  };
}

function mwiFor(config: ParleyConfig, services: Infrastructure, sip: SipPort | null): MessageWaiting | null {
  const { subscribers } = config.intake.mwi;
  if (subscribers.length === 0) return null;
  if (!sip) {
    services.logger.warn(
      { subscribers: subscribers.length },
      "intake.mwi has subscribers but SIP is off in this process: no message-waiting NOTIFYs are sent",
    );
    return null;
  }
  return startMessageWaiting(config.intake.mwi, { sql: services.sql, bus: services.bus, sip, logger: services.logger });
}
