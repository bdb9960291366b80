import { splitTopLevel } from "./syntax.js";
import { parseNameAddr, parseUri } from "./uri.js";

/**
 * The binding a registrar's 2xx grants us (RFC 3261 10.2.4): the 200 lists
 * every current Contact of the address of record, each with its expiry. A
 * 200 that does not list ours (a registrar that ignored the Contact, or a
 * REGISTER that carried none) means calls to the AOR will not reach us, so
 * it is not a registration. Returns the granted seconds, or null.
 */
export function grantedBinding(
  contactHeaders: readonly string[],
  ourContact: string,
  expiresHeader: string | undefined,
): number | null {
  const ours = parseUri(ourContact);
  if (!ours) return null;
  const fallback = Number(expiresHeader);
  for (const header of contactHeaders) {
    for (const value of splitTopLevel(header, ",")) {
      const contact = parseNameAddr(value);
      const uri = contact ? parseUri(contact.uri) : null;
      if (!contact || !uri || !sameBinding(uri, ours)) continue;
      const expires = Number(contact.params.expires);
      if (contact.params.expires !== undefined) return expires > 0 ? expires : null;
      return fallback > 0 ? fallback : null;
    }
  }
  return null;
}

/** Same user, host and port (registrars may reorder or drop URI parameters). */
function sameBinding(
  a: NonNullable<ReturnType<typeof parseUri>>,
  b: NonNullable<ReturnType<typeof parseUri>>,
): boolean {
  return (a.user ?? "") === (b.user ?? "") && a.host === b.host && (a.port ?? 5060) === (b.port ?? 5060);
}
