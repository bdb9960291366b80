import { authorize, chooseChallenge, type DigestChallenge } from "../auth/digest.js";
import { getHeaders, type SipResponse } from "./message.js";

/**
 * Client side of digest for one dialog or registration: learns the challenge
 * from a 401/407, then adds credentials to following requests (nc counting up,
 * fresh cnonce each time). A challenge repeating the nonce we just answered,
 * without stale=true, means the credentials are wrong: no retry. Callers cap
 * retries per request as well.
 */
export class Authenticator {
  private challenge: DigestChallenge | null = null;
  private headerName: "authorization" | "proxy-authorization" = "authorization";
  private nc = 0;
  private answeredNonce: string | null = null;

  /** `realm`: answer only challenges naming it (the trunk's, when configured). */
  constructor(
    private readonly credentials: { username: string; password: string } | undefined,
    private readonly realm?: string,
  ) {}

  /** Authorization headers for a request, if a challenge is known. */
  headers(method: string, uri: string): [string, string][] {
    if (!this.challenge || !this.credentials) return [];
    this.nc += 1;
    this.answeredNonce = this.challenge.nonce;
    return [[this.headerName, authorize(this.challenge, this.credentials, { method, uri }, this.nc)]];
  }

  /** Learns from a 401/407; true when retrying with credentials makes sense. */
  learn(response: SipResponse): boolean {
    if (!this.credentials || (response.status !== 401 && response.status !== 407)) return false;
    const name = response.status === 401 ? "www-authenticate" : "proxy-authenticate";
    const challenge = chooseChallenge(getHeaders(response, name));
    if (!challenge) return false;
    if (this.realm !== undefined && challenge.realm !== this.realm) return false;
    if (challenge.nonce === this.answeredNonce && !challenge.stale) return false;
    this.challenge = challenge;
    this.headerName = response.status === 401 ? "authorization" : "proxy-authorization";
    this.nc = 0;
    return true;
  }
}
