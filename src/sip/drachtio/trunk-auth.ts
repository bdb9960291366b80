import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import type { Logger } from "../../lib/logger.js";
import { chooseChallenge } from "../auth/digest.js";
import { bareHost } from "../uri.js";
import type { SrfAuthCallback, SrfChallenge } from "./srf-types.js";
import type { TrunkCredentials } from "../auth/trunk-credentials.js";

export type { TrunkCredentials };

/**
 * drachtio-srf's `auth` as a function: the trunk's credentials answer a
 * challenge only when it comes from the trunk itself (its address and port)
 * and, if one is configured, names the trunk's realm. Anyone else who
 * challenges one of our calls (a callee that is not the trunk, a proxy on
 * the way) gets nothing, and the call ends with their 401/407, as on the
 * embedded driver.
 */
export function trunkAuth(trunk: TrunkCredentials, logger: Logger): SrfAuthCallback {
  return (_req, res, callback) => {
    void fromTrunk(trunk, res).then((why) => {
      if (why === null) return callback(null, trunk.username, trunk.password);
      logger.warn(
        { src: res.source_address, port: Number(res.source_port), why },
        "digest challenge not from the trunk: credentials withheld",
      );
      callback(new Error(`credentials withheld: ${why}`));
    });
  };
}

/** Null when the challenge is the trunk's, else why not. */
async function fromTrunk(trunk: TrunkCredentials, res: SrfChallenge): Promise<string | null> {
  const host = bareHost(trunk.host);
  const addresses = isIP(host)
    ? [host]
    : await lookup(host, { all: true }).then(
        (all) => all.map((a) => a.address),
        () => [],
      );
  const source = String(res.source_address ?? "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  if (!addresses.includes(source) || Number(res.source_port) !== trunk.port)
    return `challenger ${source}:${res.source_port} is not the trunk ${trunk.host}:${trunk.port}`;
  if (trunk.realm === undefined) return null;
  const header = res.status === 407 ? "proxy-authenticate" : "www-authenticate";
  const realm = chooseChallenge([res.get(header) ?? ""])?.realm;
  return realm === trunk.realm ? null : `realm ${JSON.stringify(realm ?? "")} is not the trunk's`;
}
