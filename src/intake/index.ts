/**
 * Voicemail from the PBX without a call: voicemail-to-email over SMTP, and
 * watched spool folders. Each intake is created with an `onVoicemail`
 * handler (the app gives the voicemail feature's ingest) and knows nothing
 * of storage or triage beyond the content-hash record of what a folder took.
 */
export type { IntakeSource, VoicemailCandidate, VoicemailHandler } from "./types.js";
export type { RecordingLimits } from "./recording.js";
export { startSmtpIntake, type SmtpIntake, type SmtpIntakeDeps } from "./smtp/index.js";
export { startFolderIntake, type FolderIntake, type FolderIntakeDeps } from "./folders/index.js";
export { startMessageWaiting, type MessageWaiting, type MessageWaitingDeps } from "./mwi/message-waiting.js";
