import { parseCallerId, type CallerParts } from "../caller-id.js";

/** What Asterisk's msgNNNN.txt (app_voicemail's message information file) tells about a recording. */
export interface AsteriskMessage {
  /** origmailbox: the mailbox it was left in. */
  mailbox: string | null;
  caller: CallerParts;
  /** origtime, in ms since the epoch. */
  receivedAt: number | null;
  /** msg_id (Asterisk 11+): unique per message. */
  messageId: string | null;
  durationS: number | null;
}

/**
 * Parses msgNNNN.txt:
 *
 *   [message]
 *   origmailbox=1001
 *   callerid="Alice" <5551234>
 *   origtime=1796488200
 *   msg_id=1796488200-00000001
 *   duration=12
 *
 * Null when it has no [message] section (a file still being written, or not
 * Asterisk's): the watcher then waits.
 */
export function parseAsteriskMessage(text: string): AsteriskMessage | null {
  const fields = new Map<string, string>();
  let inMessage = false;
  let sawSection = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(";") || line.startsWith("#")) continue;
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      inMessage = section[1]?.toLowerCase() === "message";
      sawSection ||= inMessage;
      continue;
    }
    const eq = line.indexOf("=");
    if (inMessage && eq > 0) fields.set(line.slice(0, eq).trim().toLowerCase(), line.slice(eq + 1).trim());
  }
  if (!sawSection) return null;
  const origtime = Number(fields.get("origtime"));
  const duration = Number(fields.get("duration"));
  return {
    mailbox: fields.get("origmailbox") || null,
    caller: parseCallerId(fields.get("callerid")),
    receivedAt: Number.isFinite(origtime) && origtime > 0 ? origtime * 1000 : null,
    messageId: fields.get("msg_id") || null,
    durationS: Number.isFinite(duration) && fields.has("duration") ? duration : null,
  };
}
