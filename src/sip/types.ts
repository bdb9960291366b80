import type { CallEnded, SipError } from "./errors.js";
import type { NegotiatedMedia } from "./sdp.js";
import type { SipAddress } from "./uri.js";

/**
 * The signalling port the call layer builds on. Two drivers implement it:
 * embedded/ (in-process UA, the default) and drachtio/ (drachtio-srf). SIP
 * knows nothing of agents: it hands out calls and the call layer decides.
 */

export type SipTransportName = "udp" | "tcp";

/** The peer that sent us a request, as seen on the wire. */
export interface RemoteEndpoint {
  address: string;
  port: number;
  transport: SipTransportName;
}

/**
 * What the call layer answers when asked whether it can take one more call.
 * `overloaded`: the box cannot keep the agents' latency now (call admission);
 * like "unavailable", with its own Retry-After.
 */
export type Capacity = "available" | "busy" | "unavailable" | { overloaded: string; retryAfterS: number };

/** Capacity hook: "busy" answers 486, "unavailable" and overloaded answer 503 (and OPTIONS 503, so a balancer skips us). */
export type CapacityHook = (request: "INVITE" | "OPTIONS") => Capacity;

/** A re-INVITE's new offer (hold, resume, media change). */
export interface ReinviteOffer {
  sdp: string;
  media: NegotiatedMedia;
  hold: boolean;
}

/** Returns the answer SDP for a re-INVITE; without a handler the driver re-answers with our previous SDP. */
export type ReinviteHandler = (offer: ReinviteOffer) => string | Promise<string>;

/** The outcome of a REFER, from the NOTIFY sipfrag (RFC 3515): 200 means the transfer target answered. */
export interface TransferResult {
  status: number;
  reason: string;
}

/** Events of one call; nothing but `call:ended` is emitted after the call's signal fires. */
export interface CallEvents {
  /** The remote party hung up (BYE). */
  "call:bye": { remote: RemoteEndpoint | null };
  /** The caller gave up before we answered (CANCEL); a 487 was sent. */
  "call:cancel": Record<string, never>;
  /** Our 2xx was acknowledged: media may flow both ways. */
  "call:ack": Record<string, never>;
  /** A re-INVITE was answered; `media` is the new negotiated media. */
  "call:reinvite": ReinviteOffer;
  /** SIP INFO inside the dialog (e.g. application/dtmf-relay); answered 200. */
  "call:info": { contentType: string; body: string };
  /** A keypad digit the phone sent as SIP INFO (application/dtmf-relay or application/dtmf); RFC 4733 digits come from the RTP session. */
  "call:dtmf": { digit: string; durationMs: number | null };
  /** The call is over, for whatever reason (same value as `signal.reason`). */
  "call:ended": CallEnded;
}

/** What both directions of a call share. */
export interface SipCall {
  readonly direction: "inbound" | "outbound";
  readonly callId: string;
  readonly from: SipAddress;
  readonly to: SipAddress;
  readonly remote: RemoteEndpoint;
  /** Fires when the call ends for any reason; `signal.reason` is a CallEnded. */
  readonly signal: AbortSignal;
  /** The current negotiated media (updated on re-INVITE). */
  readonly media: NegotiatedMedia;
  /** Our current SDP, once sent. */
  readonly localSdp: string | null;
  readonly remoteSdp: string;
  on<K extends keyof CallEvents>(event: K, listener: (payload: CallEvents[K]) => void): () => void;
  /** Installs the re-INVITE handler (hold/resume); returns the answer SDP. */
  onReinvite(handler: ReinviteHandler): void;
  /** Ends the call: BYE once confirmed (waits for the ACK of our 2xx first, RFC 3261 15). Never rejects. */
  hangup(): Promise<void>;
  /** Blind transfer by REFER; resolves with the final NOTIFY sipfrag status. */
  transfer(targetUri: string, options?: { signal?: AbortSignal; timeoutMs?: number }): Promise<TransferResult>;
}

/** An inbound INVITE that passed access control, codec negotiation and the capacity hook. */
export interface InboundCall extends SipCall {
  readonly direction: "inbound";
  readonly requestUri: string;
  /**
   * The offer's SDP text; `media` is its negotiation against our capabilities. Empty for a delayed offer (an
   * INVITE without SDP): `accept` then sends our offer, and `media` is the answer the ACK carried once it resolves.
   */
  readonly offerSdp: string;
  /** The digest user the caller authenticated as, when it came from outside the allow list. */
  readonly authenticatedUser: string | undefined;
  /**
   * A header of the INVITE (e.g. Diversion, P-Asserted-Identity), first value. Raw caller input (CR/LF
   * are impossible here, the parser drops such messages): never hand it to a shell, a path or SQL unescaped.
   */
  header(name: string): string | undefined;
  /**
   * Every value of a header (e.g. several Diversion lines), same caveats as `header`. The embedded driver gives
   * one entry per header line; drachtio-srf joins repeated lines with commas into one entry, so parsers of list
   * headers split entries on top-level commas either way (see forwarding/).
   */
  headers(name: string): string[];
  /** Sends 180 Ringing. */
  ringing(): Promise<void>;
  /**
   * Sends 200 OK with our SDP (the answer; our offer when `offerSdp` is empty), retransmitted until ACK; resolves
   * on ACK. Rejects with SipError 408 when no ACK comes in time, 488 when a delayed offer's ACK has no usable
   * answer, and 503 (after answering the INVITE so) when the source already has too many unacknowledged calls.
   */
  accept(localSdp: string): Promise<void>;
  /** Sends a final error response (status 300..699). */
  reject(status: number, reason?: string): Promise<void>;
}

/** An outbound call that was answered (200 OK received, ACK sent). */
export interface OutboundCall extends SipCall {
  readonly direction: "outbound";
}

export interface DialOptions {
  /** Who to call: sip:+15551234@trunk.example.com or sip:agent@10.0.0.5:5060;transport=tcp. */
  uri: string;
  /** Our identity (From); defaults to the trunk's AOR or sip:parley@<our address>. */
  from?: string;
  fromDisplayName?: string;
  /** Our SDP offer (see buildOffer). */
  sdp: string;
  /** Digest credentials; defaults to the trunk's when the request goes to the trunk. */
  auth?: { username: string; password: string };
  /** Extra headers (X-..., P-Asserted-Identity...); core headers are not overridable. */
  headers?: Record<string, string>;
  /** Where to send the INVITE instead of the URI's host (an outbound proxy or the trunk). */
  proxy?: string;
  /** Gives up (CANCEL, then SipError 408) if not answered in time; default 60 s. */
  timeoutMs?: number;
  /** Aborting before the answer sends CANCEL and rejects with AbortError. */
  signal?: AbortSignal;
  /** Called on every provisional response (180, 183). */
  onProgress?: (status: number, reason: string) => void;
}

/**
 * An out-of-dialog NOTIFY (RFC 6665), e.g. message waiting (RFC 3842) to a phone or to the PBX. Digest challenges
 * from the target are answered as on dial(): with `auth`, else with the trunk's credentials when it goes to the trunk.
 */
export interface NotifyOptions {
  /** Request-URI: the phone's contact (sip:1001@10.0.0.20:5060) or the mailbox at the PBX (sip:1001@pbx.example.com). */
  uri: string;
  /** The event package (Event header), e.g. "message-summary". */
  event: string;
  contentType: string;
  body: string;
  /** To; defaults to the Request-URI. */
  to?: string;
  /** From; defaults as for dial() (the trunk account, else sip:parley@<our address>). */
  from?: string;
  /** Subscription-State; default "terminated", as Asterisk sends unsolicited message-waiting NOTIFYs. */
  subscriptionState?: string;
  auth?: { username: string; password: string };
  /** Extra headers; core headers (Via, From, To, Event...) are not overridable. */
  headers?: Record<string, string>;
  /** Where to send it instead of the URI's host (an outbound proxy or the PBX). */
  proxy?: string;
}

/** The final response to a NOTIFY that was accepted (2xx). */
export interface NotifyResult {
  status: number;
  reason: string;
}

export interface RegisterOptions {
  /** The registrar, e.g. sip:pbx.example.com:5060. */
  registrar: string;
  /** The address of record, e.g. sip:parley@pbx.example.com. */
  aor: string;
  username: string;
  password: string;
  expiresS: number;
}

/** A registration kept alive (refreshed before expiry) until stopped. */
export interface Registration {
  readonly aor: string;
  /** Epoch ms when the current binding expires; 0 while not registered. */
  readonly expiresAt: number;
  /** Unregisters (Expires: 0) and stops refreshing. */
  stop(): Promise<void>;
}

/** Port-level events. */
export interface SipPortEvents {
  "sip:registered": { aor: string; expiresS: number };
  "sip:registration-failed": { aor: string; error: SipError };
  /** An out-of-dialog request was refused by access control (403). */
  "sip:refused": { source: RemoteEndpoint; method: string };
}

export interface SipPort {
  readonly driver: "embedded" | "drachtio";
  /** Where we listen (embedded) or what drachtio-server reports; the actual port when 0 was asked. */
  readonly local: { host: string; port: number };
  /** Installs the handler for new inbound calls (one handler; a later call replaces it). */
  onInvite(handler: (call: InboundCall) => void | Promise<void>): void;
  /** Installs the capacity hook consulted for each INVITE and OPTIONS. */
  setCapacity(hook: CapacityHook): void;
  on<K extends keyof SipPortEvents>(event: K, listener: (payload: SipPortEvents[K]) => void): () => void;
  /** Places an outbound call; resolves once answered. */
  dial(options: DialOptions): Promise<OutboundCall>;
  /** Sends an out-of-dialog NOTIFY; resolves on 2xx, rejects with SipError on a final error or timeout (408). */
  notify(options: NotifyOptions): Promise<NotifyResult>;
  /** Registers to a registrar and keeps the binding refreshed. */
  register(options: RegisterOptions): Promise<Registration>;
  /** Ends every call (BYE / 503), unregisters, closes sockets. */
  close(): Promise<void>;
}
