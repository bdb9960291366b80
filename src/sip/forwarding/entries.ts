import { splitTopLevel } from "../syntax.js";
import { parseNameAddr, parseUri, type NameAddr } from "../uri.js";

/**
 * Shared by the Diversion and History-Info readers: header values (one per
 * line, or several lines comma-joined as drachtio-srf hands them) to
 * name-addr entries, and the user part of an entry's URI.
 */
export function nameAddrEntries(values: string | readonly string[] | undefined): NameAddr[] {
  const list = typeof values === "string" ? [values] : (values ?? []);
  const out: NameAddr[] = [];
  for (const value of list) {
    for (const part of splitTopLevel(value, ",")) {
      const addr = parseNameAddr(part);
      if (addr) out.push(addr);
    }
  }
  return out;
}

/**
 * The user of a sip:/sips:/tel: URI, as a mailbox or number: percent-decoded,
 * cut at ';' (user parameters such as ;phone-context=..., as Asterisk does),
 * never empty. Null for anything else.
 */
export function uriUser(uri: string): string | null {
  const parsed = parseUri(uri);
  const user = parsed?.user?.split(";")[0]?.trim();
  return user ? user : null;
}
