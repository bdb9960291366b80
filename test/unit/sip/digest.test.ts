import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/lib/clock.js";
import {
  authorize,
  chooseChallenge,
  computeDigest,
  parseAuthParams,
  parseChallenge,
} from "../../../src/sip/auth/digest.js";
import { DigestVerifier } from "../../../src/sip/auth/digest-server.js";
import { NonceIssuer } from "../../../src/sip/auth/nonce.js";
import { Authenticator } from "../../../src/sip/embedded/authenticator.js";
import type { SipResponse } from "../../../src/sip/embedded/message.js";

describe("digest response (RFC test vectors)", () => {
  it("RFC 2617 section 3.5: MD5, qop=auth", () => {
    expect(
      computeDigest({
        algorithm: "MD5",
        username: "Mufasa",
        realm: "testrealm@host.com",
        password: "Circle Of Life",
        nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
        method: "GET",
        uri: "/dir/index.html",
        qop: "auth",
        nc: "00000001",
        cnonce: "0a4f113b",
      }),
    ).toBe("6629fae49393a05397450978507c4ef1");
  });

  it("RFC 2069 (errata): MD5 without qop", () => {
    expect(
      computeDigest({
        algorithm: "MD5",
        username: "Mufasa",
        realm: "testrealm@host.com",
        password: "CircleOfLife",
        nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
        method: "GET",
        uri: "/dir/index.html",
      }),
    ).toBe("1949323746fe6a43ef61f9606e7febea");
  });

  const rfc7616 = {
    username: "Mufasa",
    realm: "http-auth@example.org",
    password: "Circle of Life",
    method: "GET",
    uri: "/dir/index.html",
    nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    qop: "auth" as const,
    nc: "00000001",
    cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
  };

  it("RFC 7616 section 3.9.1: MD5", () => {
    expect(computeDigest({ ...rfc7616, algorithm: "MD5" })).toBe("8ca523f5e9506fed4657c9700eebdbec");
  });

  it("RFC 7616 section 3.9.1: SHA-256", () => {
    expect(computeDigest({ ...rfc7616, algorithm: "SHA-256" })).toBe(
      "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    );
  });
});

describe("challenges and credentials", () => {
  it("parses the RFC 7616 challenge and prefers SHA-256 over MD5", () => {
    const sha =
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    const md5 = 'Digest realm="http-auth@example.org", qop="auth", algorithm=MD5, nonce="abc"';
    expect(parseChallenge(sha)).toMatchObject({
      algorithm: "SHA-256",
      qop: ["auth", "auth-int"],
      opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
      stale: false,
    });
    expect(chooseChallenge([md5, sha])?.algorithm).toBe("SHA-256");
    expect(chooseChallenge(['Digest realm="r", nonce="n", qop="auth-int"'])).toBeNull(); // auth-int only: unsupported
    expect(chooseChallenge(['Basic realm="r"'])).toBeNull();
    expect(parseChallenge('Digest realm="r", nonce="n"')).toMatchObject({ algorithm: "MD5", qop: [] }); // RFC 2069 style
  });

  it("formats an Authorization header whose fields recompute to the response", () => {
    const challenge = parseChallenge(
      'Digest realm="sip.example", nonce="n0nce", algorithm=SHA-256, qop="auth", opaque="o"',
    )!;
    const header = authorize(
      challenge,
      { username: "alice", password: "pw" },
      { method: "INVITE", uri: "sip:bob@example.com" },
      2,
      "c0ffee",
    );
    const { scheme, params } = parseAuthParams(header);
    expect(scheme).toBe("Digest");
    expect(params).toMatchObject({
      username: "alice",
      realm: "sip.example",
      nonce: "n0nce",
      uri: "sip:bob@example.com",
      algorithm: "SHA-256",
      qop: "auth",
      nc: "00000002",
      cnonce: "c0ffee",
      opaque: "o",
    });
    expect(params.response).toBe(
      computeDigest({
        algorithm: "SHA-256",
        username: "alice",
        realm: "sip.example",
        password: "pw",
        nonce: "n0nce",
        method: "INVITE",
        uri: "sip:bob@example.com",
        qop: "auth",
        nc: "00000002",
        cnonce: "c0ffee",
      }),
    );
  });

  it("escapes quotes and drops CR/LF in quoted values (no header injection through a username)", () => {
    const challenge = parseChallenge('Digest realm="r", nonce="n", qop="auth"')!;
    const header = authorize(
      challenge,
      { username: 'a"b\r\nX-Evil: 1', password: "pw" },
      { method: "INVITE", uri: "sip:x@y" },
    );
    expect(header).not.toMatch(/[\r\n]/);
    expect(parseAuthParams(header).params.username).toBe('a"b X-Evil: 1');
  });
});

describe("UAS verification", () => {
  const clock = new ManualClock(1_000_000);
  const nonces = new NonceIssuer(60_000, clock);
  const verifier = new DigestVerifier("parley", [{ username: "trunk", password: "secret" }], nonces);

  function answer(challengeIndex: number, password = "secret", uri = "sip:agent@127.0.0.1") {
    const challenge = parseChallenge(verifier.challenges(false)[challengeIndex]!)!;
    return authorize(challenge, { username: "trunk", password }, { method: "INVITE", uri });
  }

  it("accepts correct SHA-256 and MD5 credentials", () => {
    expect(verifier.verify([answer(0)], "INVITE", "sip:agent@127.0.0.1")).toEqual({ ok: true, username: "trunk" });
    expect(verifier.verify([answer(1)], "INVITE", "sip:agent@127.0.0.1")).toEqual({ ok: true, username: "trunk" });
  });

  it("refuses a wrong password, a different URI, another method, an unknown user", () => {
    expect(verifier.verify([answer(0, "wrong")], "INVITE", "sip:agent@127.0.0.1")).toMatchObject({
      ok: false,
      stale: false,
    });
    expect(
      verifier.verify([answer(0, "secret", "sip:other@127.0.0.1")], "INVITE", "sip:agent@127.0.0.1"),
    ).toMatchObject({ ok: false });
    expect(verifier.verify([answer(0)], "BYE", "sip:agent@127.0.0.1")).toMatchObject({ ok: false });
    const stranger = new DigestVerifier("parley", [{ username: "other", password: "secret" }], nonces);
    expect(stranger.verify([answer(0)], "INVITE", "sip:agent@127.0.0.1")).toMatchObject({ ok: false });
  });

  it("reports an expired nonce as stale and a forged one as invalid", () => {
    const header = answer(0);
    clock.advance(61_000);
    expect(verifier.verify([header], "INVITE", "sip:agent@127.0.0.1")).toMatchObject({ ok: false, stale: true });
    expect(nonces.check("AAAA")).toBe("invalid");
    const good = nonces.issue();
    // One bit of the MAC flipped. (Rewriting the text's last two characters as "BA" when it ended in "A", else "AA",
    // left a nonce that ended in "BA" unchanged: about one in 1,024, and CI met one.)
    const raw = Buffer.from(good, "base64url");
    raw[20]! ^= 1;
    const forged = raw.toString("base64url");
    expect(nonces.check(forged)).toBe("invalid");
    expect(nonces.check(good)).toBe("valid");
  });
});

describe("client retry policy", () => {
  const challenge = (nonce: string, stale = false): SipResponse => ({
    kind: "response",
    status: 401,
    reason: "Unauthorized",
    body: Buffer.alloc(0),
    headers: [
      {
        name: "www-authenticate",
        value: `Digest realm="r", nonce="${nonce}", qop="auth"${stale ? ", stale=true" : ""}`,
      },
    ],
  });

  it("retries a fresh or stale challenge, not a repeat of the nonce it just answered", () => {
    const auth = new Authenticator({ username: "u", password: "p" });
    expect(auth.learn(challenge("n1"))).toBe(true);
    expect(auth.headers("INVITE", "sip:x@y")[0]?.[1]).toContain('nonce="n1"');
    expect(auth.learn(challenge("n1"))).toBe(false); // wrong password
    expect(auth.learn(challenge("n1", true))).toBe(true); // stale: try again
    expect(new Authenticator(undefined).learn(challenge("n1"))).toBe(false);
  });
});
