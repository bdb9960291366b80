import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { getHeader } from "../../../src/sip/embedded/message.js";
import { parseDatagram } from "../../../src/sip/embedded/parser.js";
import { readEssentials } from "../../../src/sip/embedded/headers.js";
import { parseUri } from "../../../src/sip/uri.js";

/**
 * Why src/sip has its own parser instead of the `sip` package (kirm, 0.0.6):
 * this compares the two. They agree on ordinary IPv4 traffic (kirm serves as
 * an independent oracle), but kirm cannot parse IPv6 hosts in URIs or Via,
 * silently drops headers it fails to parse, and counts Content-Length in
 * UTF-16 code units instead of bytes. The typed view below is the only way
 * this untyped package is touched, and only here in a test.
 */
interface KirmMessage {
  method?: string;
  uri?: string;
  status?: number;
  headers: Record<string, unknown> & {
    "call-id"?: string;
    cseq?: { seq: number; method: string };
    from?: { params: Record<string, string | null> };
    via?: { host: string; port?: number; params: Record<string, string | null> }[];
  };
  content?: string;
}
interface Kirm {
  parse(data: string | Buffer): KirmMessage | undefined;
  parseUri(uri: string): { host: string } | undefined;
  stringify(m: KirmMessage): string;
}
const kirm = createRequire(import.meta.url)("sip") as Kirm;

function message(via: string, uri = "sip:agent@127.0.0.1:5080", body = ""): string {
  return [
    `INVITE ${uri} SIP/2.0`,
    `Via: ${via}`,
    "Max-Forwards: 70",
    "From: <sip:a@example.com>;tag=f1",
    `To: <${uri}>`,
    "Call-ID: c1@x",
    "CSeq: 42 INVITE",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    body,
  ].join("\r\n");
}

describe("our parser against the `sip` package", () => {
  it("agrees on an ordinary IPv4 request", () => {
    const text = message("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc;rport");
    const theirs = kirm.parse(text)!;
    const ours = parseDatagram(Buffer.from(text));
    if (!ours.ok) throw new Error(ours.error);
    const ess = readEssentials(ours.value)!;
    expect(ours.value.kind === "request" && ours.value.method).toBe(theirs.method);
    expect(ours.value.kind === "request" && ours.value.uri).toBe(theirs.uri);
    expect(getHeader(ours.value, "call-id")).toBe(theirs.headers["call-id"]);
    expect(ess.cseq).toEqual(theirs.headers.cseq);
    expect(ess.from.params.tag).toBe(theirs.headers.from?.params.tag);
    expect(ess.topVia.params.branch).toBe(theirs.headers.via?.[0]?.params.branch);
    expect(ess.topVia.port).toBe(theirs.headers.via?.[0]?.port);
  });

  it("unlike the `sip` package, handles IPv6 hosts", () => {
    expect(kirm.parseUri("sip:agent@[2001:db8::1]:5080")).toBeUndefined();
    expect(parseUri("sip:agent@[2001:db8::1]:5080")?.host).toBe("[2001:db8::1]");
    const text = message("SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKv6");
    expect(kirm.parse(text)?.headers.via?.[0]?.params.branch).toBeUndefined(); // branch lost: no transaction matching possible
    const ours = parseDatagram(Buffer.from(text));
    expect(ours.ok && readEssentials(ours.value)?.topVia.params.branch).toBe("z9hG4bKv6");
  });

  it("unlike the `sip` package, counts Content-Length in bytes", () => {
    const theirs = kirm.parse(message("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx"))!;
    theirs.content = "s=Zoë\r\n";
    expect(kirm.stringify(theirs)).toContain("Content-Length: 7"); // 8 bytes on the wire
    expect(Buffer.byteLength("s=Zoë\r\n")).toBe(8);
  });
});
