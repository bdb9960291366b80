import { timingSafeEqual } from "node:crypto";
import { computeDigest, parseAuthParams, type DigestAlgorithm } from "./digest.js";
import type { NonceIssuer } from "./nonce.js";

/** A username/password a caller outside the allow list may authenticate with. */
export interface SipCredential {
  username: string;
  password: string;
}

export type AuthOutcome = { ok: true; username: string } | { ok: false; stale: boolean; why: string };

const SUPPORTED: Record<string, DigestAlgorithm> = { md5: "MD5", "sha-256": "SHA-256" };

/** UAS side of digest: issues challenges and checks Authorization headers against configured credentials. */
export class DigestVerifier {
  private readonly passwords = new Map<string, string>();

  constructor(
    private readonly realm: string,
    credentials: readonly SipCredential[],
    private readonly nonces: NonceIssuer,
  ) {
    for (const c of credentials) this.passwords.set(c.username, c.password);
  }

  /** True when any credentials are configured (otherwise unknown sources simply get 403). */
  get enabled(): boolean {
    return this.passwords.size > 0;
  }

  /** WWW-Authenticate values: SHA-256 first, MD5 for older clients (RFC 8760 section 2.4). */
  challenges(stale: boolean): string[] {
    const nonce = this.nonces.issue();
    const tail = `qop="auth"${stale ? ", stale=true" : ""}`;
    return [
      `Digest realm="${this.realm}", nonce="${nonce}", algorithm=SHA-256, ${tail}`,
      `Digest realm="${this.realm}", nonce="${nonce}", algorithm=MD5, ${tail}`,
    ];
  }

  /** Checks the request's Authorization values; `stale` tells the UAS to re-challenge with stale=true. */
  verify(authorizations: readonly string[], method: string, requestUri: string): AuthOutcome {
    let outcome: AuthOutcome = { ok: false, stale: false, why: "no credentials" };
    for (const value of authorizations) {
      const { scheme, params } = parseAuthParams(value);
      if (scheme.toLowerCase() !== "digest" || params.realm !== this.realm) continue;
      const algorithm = SUPPORTED[(params.algorithm ?? "MD5").toLowerCase()];
      const password = params.username === undefined ? undefined : this.passwords.get(params.username);
      if (!algorithm || password === undefined || !params.nonce || !params.response || !params.uri) {
        outcome = { ok: false, stale: false, why: "unknown user or incomplete credentials" };
        continue;
      }
      if (params.uri !== requestUri) {
        outcome = { ok: false, stale: false, why: "digest uri does not match the request" };
        continue;
      }
      const qop = params.qop?.toLowerCase();
      if (qop !== undefined && qop !== "auth") continue;
      const expected = computeDigest({
        algorithm,
        username: params.username ?? "",
        realm: this.realm,
        password,
        nonce: params.nonce,
        method,
        uri: params.uri,
        ...(qop ? { qop: "auth" as const, nc: params.nc ?? "", cnonce: params.cnonce ?? "" } : {}),
      });
      if (!sameHex(expected, params.response.toLowerCase())) {
        outcome = { ok: false, stale: false, why: "wrong response" };
        continue;
      }
      // A correct response to a nonce we issued that has expired: ask again with stale=true.
      const state = this.nonces.check(params.nonce);
      if (state === "valid") return { ok: true, username: params.username ?? "" };
      outcome = { ok: false, stale: state === "stale", why: `nonce ${state}` };
    }
    return outcome;
  }
}

function sameHex(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
