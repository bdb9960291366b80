import type { DigestVerifier } from "../auth/digest-server.js";
import { anyCidrContains, type Cidr } from "./cidr.js";

export type AccessDecision =
  { kind: "allow"; username?: string } | { kind: "challenge"; stale: boolean } | { kind: "deny"; why: string };

/**
 * Who may send us out-of-dialog requests: a source inside the allow list, or
 * anyone who answers a digest challenge with configured credentials. Wrong
 * credentials get 403 (not a new challenge), so a guessing client stops.
 */
export class AccessPolicy {
  constructor(
    private readonly allow: readonly Cidr[],
    private readonly verifier: DigestVerifier,
  ) {}

  /** True when the source address is in the allow list. */
  sourceAllowed(address: string): boolean {
    return anyCidrContains(this.allow, address);
  }

  /** True when callers outside the allow list may authenticate (credentials are configured). */
  get acceptsCredentials(): boolean {
    return this.verifier.enabled;
  }

  /** Decides for one request; `authorizations` are its Authorization header values. */
  decide(address: string, authorizations: readonly string[], method: string, requestUri: string): AccessDecision {
    if (this.sourceAllowed(address)) return { kind: "allow" };
    if (!this.verifier.enabled) return { kind: "deny", why: "source not in allow list" };
    if (authorizations.length === 0) return { kind: "challenge", stale: false };
    const outcome = this.verifier.verify(authorizations, method, requestUri);
    if (outcome.ok) return { kind: "allow", username: outcome.username };
    if (outcome.stale) return { kind: "challenge", stale: true };
    return { kind: "deny", why: outcome.why };
  }

  /** WWW-Authenticate values for a 401. */
  challenges(stale: boolean): string[] {
    return this.verifier.challenges(stale);
  }
}
