import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * SIPp as the callee of an outbound call: a person who answers and talks
 * (and may press a key), an answering machine (long greeting, then a beep),
 * a busy line (486), or a phone that rings until we give up (CANCEL -> 487).
 */
export type Callee =
  | { kind: "answer"; audio: string; dtmfPcap?: string; dtmfAfterMs?: number; holdMs: number }
  | { kind: "busy" }
  | { kind: "no-answer" };

const REPLY_HEADERS = `      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:callee@[local_ip]:[local_port];transport=[transport]>`;

function reply(status: string, extra = "", body = ""): string {
  return `<send><![CDATA[
      SIP/2.0 ${status}
${REPLY_HEADERS}${extra}
      Content-Length: ${body ? "[len]" : "0"}
${body ? `\n${body}` : ""}
  ]]></send>`;
}

const SDP = `      v=0
      o=callee 1 1 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-15
      a=ptime:20`;

export function calleeScenario(c: Callee): string {
  let body: string;
  if (c.kind === "busy") {
    body = `<recv request="INVITE" crlf="true"/>
  ${reply("486 Busy Here")}
  <recv request="ACK"/>`;
  } else if (c.kind === "no-answer") {
    body = `<recv request="INVITE" crlf="true"/>
  ${reply("180 Ringing")}
  <recv request="CANCEL">
    <action><ereg regexp="CSeq: ([0-9]+)" search_in="msg" check_it="true" assign_to="whole,seq"/></action>
  </recv>
  ${reply("200 OK")}
  <send><![CDATA[
      SIP/2.0 487 Request Terminated
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      CSeq: [$seq] INVITE
      Content-Length: 0
  ]]></send>
  <recv request="ACK"/>
  <Reference variables="whole"/>`;
  } else {
    const dtmf = c.dtmfPcap
      ? `<pause milliseconds="${c.dtmfAfterMs ?? 5000}"/>\n  <nop><action><exec play_pcap_audio="${c.dtmfPcap}"/></action></nop>`
      : "";
    body = `<recv request="INVITE" crlf="true"/>
  ${reply("180 Ringing")}
  <pause milliseconds="200"/>
  ${reply("200 OK", "\n      Content-Type: application/sdp", SDP)}
  <recv request="ACK" crlf="true"/>
  <nop><action><exec rtp_stream="${c.audio},1,0"/></action></nop>
  ${dtmf}
  <recv request="BYE" timeout="${c.holdMs}"/>
  ${reply("200 OK")}`;
  }
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>\n<!DOCTYPE scenario SYSTEM "sipp.dtd">\n<scenario name="parley callee">\n  ${body}\n</scenario>\n`;
}

export interface RunningCallee {
  port: number;
  done: Promise<{ code: number | null; output: string; errors: string }>;
  kill(): void;
}

/** Starts a SIPp callee on 127.0.0.1:port for `calls` calls; killed after timeoutS whatever happens. */
export function startCallee(
  c: Callee,
  o: { port: number; mediaPort: number; calls?: number; timeoutS?: number },
): RunningCallee {
  const dir = mkdtempSync(join(tmpdir(), "parley-callee-"));
  const file = join(dir, "callee.xml");
  writeFileSync(file, calleeScenario(c));
  const timeoutS = o.timeoutS ?? 30;
  const args = [
    "-sf",
    file,
    "-i",
    "127.0.0.1",
    "-p",
    String(o.port),
    "-mp",
    String(o.mediaPort),
    "-m",
    String(o.calls ?? 1),
    "-nostdin",
    "-t",
    "u1",
    "-timeout",
    `${timeoutS}s`,
    "-trace_err",
    "-error_file",
    join(dir, "errors.log"),
  ];
  const child = spawn("sipp", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-6000)));
  child.stderr.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-6000)));
  const killer = setTimeout(() => child.kill("SIGKILL"), (timeoutS + 5) * 1000);
  const done = new Promise<{ code: number | null; output: string; errors: string }>((resolve) => {
    child.on("exit", (code) => {
      clearTimeout(killer);
      const errors = existsSync(join(dir, "errors.log")) ? readFileSync(join(dir, "errors.log"), "utf8") : "";
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output, errors });
    });
  });
  return { port: o.port, done, kill: () => child.kill("SIGKILL") };
}
