import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Why SIPp tests skip here, or false when `sipp` runs. */
export const sippMissing: string | false = spawnSync("sipp", ["-v"]).error
  ? "sipp is not installed (apt-get install sip-tester)"
  : false;

/**
 * SIPp as a caller for end-to-end calls, with a scenario written per test:
 * it offers G.711 (or only G.729, for the 488 case), streams a raw mu-law file
 * and/or an RFC 2833 pcap as its voice, then hangs up or waits for our BYE.
 */
export interface CallScript {
  /** Raw 8 kHz mu-law to stream after the ACK (see speechUlaw). */
  audio?: string;
  /** Start the audio this long after the ACK. */
  audioDelayMs?: number;
  /** An RFC 2833 DTMF pcap (SIPp ships them in /usr/share/sip-tester). */
  dtmfPcap?: string;
  /** How long to stay on the call after the ACK before hanging up (caller) or giving up waiting. */
  holdMs: number;
  hangup: "caller" | "wait-for-bye";
  /** "delayed": an INVITE without SDP, the answer in the ACK (Cisco CUBE/CUCM style). */
  offer?: "g711" | "g729" | "delayed";
  /** Keys to send as SIP INFO (application/dtmf-relay) after the audio starts, 300 ms apart. */
  infoDigits?: string;
  /** CANCEL this long after sending the INVITE (expects 487). */
  cancelAfterMs?: number;
  /** Extra INVITE header lines (a PBX's Diversion, P-Asserted-Identity...). */
  inviteHeaders?: string[];
}

const HEAD = (cseq: string) => `
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "SIPp" <sip:+15550100@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: ${cseq}
      Contact: <sip:sipp@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70`;

function sdp(offer: "g711" | "g729" | "delayed"): string {
  const media =
    offer === "g711"
      ? "m=audio [media_port] RTP/AVP 0 101\n      a=rtpmap:0 PCMU/8000\n      a=rtpmap:101 telephone-event/8000\n      a=fmtp:101 0-15"
      : "m=audio [media_port] RTP/AVP 18\n      a=rtpmap:18 G729/8000";
  return `v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      ${media}
      a=ptime:20`;
}

export function scenario(s: CallScript): string {
  const delayed = s.offer === "delayed";
  const extra = (s.inviteHeaders ?? []).map((h) => `\n      ${h}`).join("");
  const invite = delayed
    ? `<send retrans="500"><![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0${HEAD("1 INVITE").replace("[peer_tag_param]", "")}${extra}
      Content-Length: 0
  ]]></send>`
    : `<send retrans="500"><![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0${HEAD("1 INVITE").replace("[peer_tag_param]", "")}${extra}
      Content-Type: application/sdp
      Content-Length: [len]

      ${sdp(s.offer ?? "g711")}
  ]]></send>`;
  if (s.offer === "g729") {
    return wrap(`${invite}
  <recv response="100" optional="true"/>
  <recv response="488"/>
  <send><![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0${HEAD("1 ACK")}
      Content-Length: 0
  ]]></send>`);
  }
  if (s.cancelAfterMs !== undefined) {
    // [branch-N] is the branch of the message N steps back: the CANCEL and the ACK for the 487 reuse the INVITE's.
    return wrap(`${invite}
  <recv response="100" optional="true"/>
  <recv response="180"/>
  <pause milliseconds="${s.cancelAfterMs}"/>
  <send><![CDATA[
      CANCEL sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-4];rport
      From: "SIPp" <sip:+15550100@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 CANCEL
      Max-Forwards: 70
      Content-Length: 0
  ]]></send>
  <recv response="200"/>
  <recv response="487"/>
  <send><![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-7];rport
      From: "SIPp" <sip:+15550100@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0
  ]]></send>`);
  }
  const media: string[] = [];
  if (s.audioDelayMs) media.push(`<pause milliseconds="${s.audioDelayMs}"/>`);
  if (s.audio) media.push(`<nop><action><exec rtp_stream="${s.audio},1,0"/></action></nop>`);
  if (s.dtmfPcap) media.push(`<nop><action><exec play_pcap_audio="${s.dtmfPcap}"/></action></nop>`);
  [...(s.infoDigits ?? "")].forEach((digit, i) => {
    media.push(`<pause milliseconds="300"/>
  <send retrans="500"><![CDATA[
      INFO sip:[service]@[remote_ip]:[remote_port] SIP/2.0${HEAD(`${10 + i} INFO`)}
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal=${digit}
      Duration=160
  ]]></send>
  <recv response="200"/>`);
  });
  const ending =
    s.hangup === "caller"
      ? `<pause milliseconds="${s.holdMs}"/>
  <send retrans="500"><![CDATA[
      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0${HEAD("99 BYE")}
      Content-Length: 0
  ]]></send>
  <recv response="200" crlf="true"/>`
      : `<recv request="BYE" timeout="${s.holdMs}"/>
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0
  ]]></send>`;
  return wrap(`${invite}
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send><![CDATA[
      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0${HEAD("1 ACK")}
${
  delayed
    ? `      Content-Type: application/sdp
      Content-Length: [len]

      ${sdp("g711")}`
    : "      Content-Length: 0"
}
  ]]></send>
  ${media.join("\n  ")}
  ${ending}`);
}

function wrap(body: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<!DOCTYPE scenario SYSTEM "sipp.dtd">\n<scenario name="parley e2e">\n  ${body}\n</scenario>\n`;
}

export interface SippCallResult {
  code: number | null;
  output: string;
  errors: string;
}

/** Runs one SIPp call at `target` (host:port) from 127.0.0.1, media on `mediaPort`. Killed after holdMs + 20 s whatever happens. */
export function sippCall(
  target: string,
  s: CallScript,
  o: { sipPort: number; mediaPort: number; service?: string; localIp?: string },
): Promise<SippCallResult> {
  const dir = mkdtempSync(join(tmpdir(), "parley-sipp-call-"));
  const file = join(dir, "scenario.xml");
  writeFileSync(file, scenario(s));
  const args = [
    target,
    "-sf",
    file,
    "-s",
    o.service ?? "receptionist",
    "-i",
    o.localIp ?? "127.0.0.1",
    "-p",
    String(o.sipPort),
    "-mp",
    String(o.mediaPort),
    "-m",
    "1",
    "-nostdin",
    "-t",
    "u1",
    "-timeout",
    `${Math.ceil(s.holdMs / 1000) + 15}s`,
    "-timeout_error",
    "-trace_err",
    "-error_file",
    join(dir, "errors.log"),
  ];
  const child = spawn("sipp", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
  child.stderr.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
  const killer = setTimeout(() => child.kill("SIGKILL"), s.holdMs + 20_000);
  return new Promise((resolve) => {
    child.on("exit", (code) => {
      clearTimeout(killer);
      const errors = existsSync(join(dir, "errors.log")) ? readFileSync(join(dir, "errors.log"), "utf8") : "";
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output, errors });
    });
  });
}
