import { createHash, randomBytes } from "node:crypto";
import { quote, splitTopLevel, unquote } from "../syntax.js";

/**
 * HTTP Digest for SIP (RFC 3261 22, RFC 2617, RFC 7616, RFC 8760): parse a
 * challenge, compute the response (MD5 and SHA-256, plain and -sess, qop=auth)
 * and format the Authorization header. Shared by our UAC and our UAS.
 */

export type DigestAlgorithm = "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess";

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  algorithm: DigestAlgorithm;
  /** Empty when the server sent no qop (RFC 2069 compatibility). */
  qop: string[];
  stale: boolean;
}

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  nonce: string;
  method: string;
  uri: string;
  qop?: "auth";
  nc?: string;
  cnonce?: string;
}

const ALGORITHMS: Record<string, DigestAlgorithm> = {
  md5: "MD5",
  "md5-sess": "MD5-sess",
  "sha-256": "SHA-256",
  "sha-256-sess": "SHA-256-sess",
};

/** Splits `Digest a=1, b="2"` into its scheme and lower-cased parameters. */
export function parseAuthParams(value: string): { scheme: string; params: Record<string, string> } {
  const trimmed = value.trim();
  const space = trimmed.search(/\s/);
  const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  if (space >= 0) {
    for (const part of splitTopLevel(trimmed.slice(space + 1), ",")) {
      const eq = part.indexOf("=");
      if (eq <= 0) continue;
      params[part.slice(0, eq).trim().toLowerCase()] = unquote(part.slice(eq + 1).trim());
    }
  }
  return { scheme, params };
}

/** Parses one WWW-Authenticate / Proxy-Authenticate value; null if it is not a Digest challenge we support. */
export function parseChallenge(value: string): DigestChallenge | null {
  const { scheme, params } = parseAuthParams(value);
  if (scheme.toLowerCase() !== "digest" || !params.realm || !params.nonce) return null;
  const algorithm = ALGORITHMS[(params.algorithm ?? "MD5").toLowerCase()];
  if (!algorithm) return null;
  const challenge: DigestChallenge = {
    realm: params.realm,
    nonce: params.nonce,
    algorithm,
    qop: (params.qop ?? "")
      .split(",")
      .map((q) => q.trim().toLowerCase())
      .filter(Boolean),
    stale: (params.stale ?? "").toLowerCase() === "true",
  };
  if (params.opaque !== undefined) challenge.opaque = params.opaque;
  return challenge;
}

/** Picks the strongest usable challenge (RFC 8760: SHA-256 before MD5); only qop=auth or no qop. */
export function chooseChallenge(values: string[]): DigestChallenge | null {
  const usable = values
    .map(parseChallenge)
    .filter((c): c is DigestChallenge => c !== null && (c.qop.length === 0 || c.qop.includes("auth")));
  usable.sort((a, b) => strength(b.algorithm) - strength(a.algorithm));
  return usable[0] ?? null;
}

/** The digest `response` value (RFC 7616 3.4.1). */
export function computeDigest(input: DigestInput): string {
  const h = (s: string) =>
    createHash(input.algorithm.startsWith("SHA-256") ? "sha256" : "md5")
      .update(s, "utf8")
      .digest("hex");
  let ha1 = h(`${input.username}:${input.realm}:${input.password}`);
  if (input.algorithm.endsWith("-sess")) ha1 = h(`${ha1}:${input.nonce}:${input.cnonce ?? ""}`);
  const ha2 = h(`${input.method}:${input.uri}`);
  return input.qop
    ? h(`${ha1}:${input.nonce}:${input.nc ?? ""}:${input.cnonce ?? ""}:${input.qop}:${ha2}`)
    : h(`${ha1}:${input.nonce}:${ha2}`);
}

/** Answers a challenge: the Authorization (or Proxy-Authorization) header value. */
export function authorize(
  challenge: DigestChallenge,
  credentials: { username: string; password: string },
  request: { method: string; uri: string },
  nc = 1,
  cnonce = randomBytes(12).toString("hex"),
): string {
  const qop = challenge.qop.includes("auth") ? "auth" : undefined;
  const ncHex = nc.toString(16).padStart(8, "0");
  const response = computeDigest({
    algorithm: challenge.algorithm,
    username: credentials.username,
    realm: challenge.realm,
    password: credentials.password,
    nonce: challenge.nonce,
    method: request.method,
    uri: request.uri,
    ...(qop ? { qop, nc: ncHex, cnonce } : {}),
  });
  const parts = [
    `username=${quote(credentials.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(request.uri)}`,
    `response=${quote(response)}`,
    `algorithm=${challenge.algorithm}`,
  ];
  if (qop) parts.push(`qop=${qop}`, `nc=${ncHex}`, `cnonce=${quote(cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  return `Digest ${parts.join(", ")}`;
}

function strength(algorithm: DigestAlgorithm): number {
  return algorithm.startsWith("SHA-256") ? 2 : 1;
}
