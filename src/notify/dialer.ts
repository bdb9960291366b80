import type { DeliveryResult, MenuAction } from "../store/records/outbound.js";

/** One notification call: the message (rendered speech), the keypad menu, answering-machine detection. */
export interface NotificationCall {
  /** An E.164 number (dialled through sip.trunk) or a SIP URI. */
  to: string;
  agent: string;
  /** The message as 8 kHz PCM16, in order (a disclosure first when there is one). */
  parts: Int16Array[];
  menu?: { prompt: Int16Array; options: Record<string, MenuAction> };
  /** Spoken opt-out keywords, heard by the streaming recogniser after the message. */
  optOutWords?: string[];
  amd: boolean;
  signal: AbortSignal;
}

/** A live call for a callback: the agent talks, opening with the greeting. */
export interface LiveCallback {
  /** An E.164 number (dialled through sip.trunk) or a SIP URI. */
  to: string;
  agent: string;
  greeting: string;
  context: unknown;
  signal: AbortSignal;
}

/**
 * How notify places calls: the calls feature does the dialling, app/ hands
 * notify this port (notify does not import calls/).
 */
export interface OutboundDialer {
  /** Whether this process runs SIP (`parley serve` with sip.enabled); the worker alone does not. */
  available(): boolean;
  deliver(call: NotificationCall): Promise<DeliveryResult>;
  /** Answered: the call's id; not answered: throws a ParleyError whose details.outcome says why (busy, no_answer...). */
  dialLive(call: LiveCallback): Promise<{ callId: number }>;
}
