import { Authenticator } from "./authenticator.js";
import type { UaContext } from "./context.js";
import { resolveUri } from "./resolve.js";
import type { Endpoint } from "./transport.js";
import type { TrunkCredentials } from "../auth/trunk-credentials.js";

export type { TrunkCredentials };

/**
 * Who answers a digest challenge to a request we originate (INVITE, NOTIFY):
 * the caller's explicit credentials, else the trunk's, but only when the
 * request goes to the trunk's own address and port, and then only for the
 * trunk's realm when one is configured. Anyone else who challenges gets nothing.
 */
export async function authenticatorFor(
  ctx: UaContext,
  target: Endpoint,
  trunk: TrunkCredentials | undefined,
  explicit: { username: string; password: string } | undefined,
): Promise<Authenticator> {
  if (explicit) return new Authenticator(explicit);
  const useTrunk =
    trunk !== undefined &&
    target.port === trunk.port &&
    (await resolveUri(`sip:${trunk.host}:${trunk.port}`, "udp", ctx.transports).then(
      (t) => t.address,
      () => null,
    )) === target.address;
  return new Authenticator(useTrunk ? trunk : undefined, trunk?.realm);
}
