import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Who is signed in to the console, as carried in the signed session cookie. */
export interface ConsoleSession {
  /** Random id of this sign-in; the CSRF token is bound to it and logout revokes it. */
  sid: string;
  kind: "operator" | "key";
  /** The operator's name, or the API key's id. */
  subject: string;
  /** What the console shows: the operator's name or "key <name>". */
  label: string;
  /** The operator's credential stamp (a new password ends old sessions); empty for keys. */
  stamp: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

const b64 = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/**
 * Signs and checks console session cookies with HMAC-SHA256 (stateless: the
 * cookie is the session), and derives CSRF tokens bound to a session. Keys for
 * each purpose are derived from the install's secret, so a CSRF token can
 * never pass as a cookie signature or the other way round. A logout is kept in
 * the store (ConsoleSessionsRepo), not here, so that it holds on every node and
 * across restarts; the guard checks both.
 */
export class SessionSigner {
  private readonly cookieKey: Buffer;
  private readonly csrfKey: Buffer;

  constructor(secret: Buffer) {
    this.cookieKey = createHmac("sha256", secret).update("parley console session v1").digest();
    this.csrfKey = createHmac("sha256", secret).update("parley console csrf v1").digest();
  }

  issue(
    who: Omit<ConsoleSession, "sid" | "exp">,
    now: number,
    ttlMs: number,
  ): { value: string; session: ConsoleSession } {
    const session: ConsoleSession = { ...who, sid: randomBytes(16).toString("base64url"), exp: now + ttlMs };
    const payload = b64(JSON.stringify(session));
    return { value: `v1.${payload}.${this.mac(this.cookieKey, payload)}`, session };
  }

  /** The session a cookie value carries, or null when it is forged, malformed or expired (logouts: the store). */
  verify(value: string | undefined, now: number): ConsoleSession | null {
    const parts = value?.split(".");
    if (!parts || parts.length !== 3 || parts[0] !== "v1") return null;
    const [, payload, mac] = parts as [string, string, string];
    if (!equal(mac, this.mac(this.cookieKey, payload))) return null;
    let s: ConsoleSession;
    try {
      s = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as ConsoleSession;
    } catch {
      return null;
    }
    if (typeof s.exp !== "number" || s.exp <= now || typeof s.sid !== "string") return null;
    return s;
  }

  /** The CSRF token of a session: forms carry it in `_csrf`, scripts in the X-CSRF-Token header. */
  csrfToken(s: ConsoleSession): string {
    return this.mac(this.csrfKey, `session:${s.sid}`);
  }

  checkCsrf(s: ConsoleSession, token: string | undefined): boolean {
    return typeof token === "string" && equal(token, this.csrfToken(s));
  }

  /** The token of the login form, bound to a random nonce kept in a short-lived cookie (login CSRF). */
  loginToken(nonce: string): string {
    return this.mac(this.csrfKey, `login:${nonce}`);
  }

  checkLoginToken(nonce: string | undefined, token: string | undefined): boolean {
    return (
      typeof nonce === "string" &&
      nonce.length >= 16 &&
      typeof token === "string" &&
      equal(token, this.loginToken(nonce))
    );
  }

  private mac(key: Buffer, data: string): string {
    return createHmac("sha256", key).update(data).digest("base64url");
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
