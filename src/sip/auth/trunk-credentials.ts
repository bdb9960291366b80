/**
 * The trunk and the credentials that belong to it (sip.trunk), as both SIP
 * drivers use them: they answer a digest challenge only when it comes from
 * this host and port and, when a realm is set, names it.
 */
export interface TrunkCredentials {
  host: string;
  port: number;
  /** Answer only challenges naming this realm, when set. */
  realm?: string;
  username: string;
  password: string;
}
