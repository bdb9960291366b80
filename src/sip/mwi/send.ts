import type { NotifyResult, SipPort } from "../types.js";
import {
  formatMessageSummary,
  MESSAGE_SUMMARY_EVENT,
  MESSAGE_SUMMARY_TYPE,
  type MessageSummary,
} from "./message-summary.js";

export interface MessageWaitingOptions {
  /** Where the NOTIFY goes: the phone's contact, or the mailbox's user at the PBX (which relays it to its phones). */
  uri: string;
  summary: MessageSummary;
  /** Credentials for the target's digest challenge (the PBX usually asks); default as for dial(). */
  auth?: { username: string; password: string };
  proxy?: string;
  from?: string;
}

/**
 * Tells a phone (or the PBX) how many messages wait in a mailbox: an
 * unsolicited NOTIFY with Event: message-summary (RFC 3842), the lamp on when
 * there are new ones. Resolves on 2xx; rejects with SipError otherwise.
 * @example await sendMessageWaiting(sip, { uri: "sip:1001@pbx.example.com", summary: { account: "sip:1001@pbx.example.com", voice: { new: 2, old: 5 } } })
 */
export async function sendMessageWaiting(port: SipPort, options: MessageWaitingOptions): Promise<NotifyResult> {
  return port.notify({
    uri: options.uri,
    event: MESSAGE_SUMMARY_EVENT,
    contentType: MESSAGE_SUMMARY_TYPE,
    body: formatMessageSummary(options.summary),
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.proxy ? { proxy: options.proxy } : {}),
    ...(options.from ? { from: options.from } : {}),
  });
}
