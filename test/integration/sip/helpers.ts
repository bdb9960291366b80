import { spawn } from "node:child_process";
import { createSocket, type Socket } from "node:dgram";
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { sipSection } from "../../../src/config/sections/sip.js";
import { createLogger, type Logger } from "../../../src/lib/logger.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { parseDatagram } from "../../../src/sip/embedded/parser.js";
import type { SipMessage } from "../../../src/sip/embedded/message.js";
import { repoRoot } from "../../helpers/paths.js";
import { freeMediaPort, freePort } from "../../helpers/free-port.js";

export const scenarios = join(repoRoot, "test/fixtures/sipp");

/** Log lines captured from the UA (pino JSON), for assertions on what was logged. */
export interface CapturedLogger {
  logger: Logger;
  lines: Record<string, unknown>[];
}

export function captureLogger(level = "debug"): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString("utf8").split("\n"))
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level }, stream), lines };
}

/** An embedded UA on 127.0.0.1 and a free port, from a (partial) sip config section. */
export async function startUa(config: Record<string, unknown> = {}, logger?: Logger): Promise<SipPort> {
  const parsed = sipSection.parse({ listen: { host: "127.0.0.1", port: 0 }, ...config });
  return createSipPort(parsed, { logger: logger ?? captureLogger("silent").logger });
}

export { freePort, freeMediaPort } from "../../helpers/free-port.js";

export interface SippOptions {
  /** Scenario file under test/fixtures/sipp, or a built-in (-sn). */
  scenario?: string;
  builtin?: "uas" | "uac";
  /** The user dialled (-s, default "agent"). */
  service?: string;
  /** SIPp's own SIP port (default: a free one). */
  port?: number;
  /** host:port to call (UAC role). */
  target?: string;
  localIp?: string;
  transport?: "u1" | "t1";
  keys?: Record<string, string>;
  timeoutS?: number;
  /** Write every message to a file (returned as `messages`). */
  traceMessages?: boolean;
  /** Calls to place (-m, default 1) and how many per second (-r; default SIPp's 10). */
  calls?: number;
  rate?: number;
}

export interface SippRun {
  port: number;
  done: Promise<SippResult>;
  /** Resolves once SIPp's SIP port is bound (UAS role: before we dial it). */
  ready: Promise<void>;
}

export interface SippResult {
  code: number | null;
  output: string;
  errors: string;
  messages: string;
  /** With several calls: SIPp's statistics CSV (-trace_stat). */
  stats: string;
}

/** Starts SIPp for one call; it is killed after timeoutS + 5 s whatever happens. */
export async function startSipp(options: SippOptions): Promise<SippRun> {
  const dir = mkdtempSync(join(tmpdir(), "parley-sipp-"));
  const localIp = options.localIp ?? "127.0.0.1";
  const port = options.port ?? (await freePort(localIp));
  const mediaPort = await freeMediaPort(localIp);
  const args = [
    ...(options.target ? [options.target] : []),
    ...(options.builtin ? ["-sn", options.builtin] : ["-sf", join(scenarios, options.scenario ?? "")]),
    "-s",
    options.service ?? "agent",
    "-i",
    localIp,
    "-p",
    String(port),
    "-mp",
    String(mediaPort),
    "-m",
    String(options.calls ?? 1),
    ...(options.rate ? ["-r", String(options.rate)] : []),
    "-nostdin",
    "-t",
    options.transport ?? "u1",
    "-timeout",
    `${options.timeoutS ?? 15}s`,
    "-timeout_error",
    "-trace_err",
    "-error_file",
    join(dir, "errors.log"),
    ...(options.traceMessages ? ["-trace_msg", "-message_file", join(dir, "messages.log")] : []),
    ...(options.calls && options.calls > 1 ? ["-trace_stat", "-stf", join(dir, "stats.csv"), "-fd", "1"] : []),
    ...Object.entries(options.keys ?? {}).flatMap(([k, v]) => ["-key", k, v]),
  ];
  const child = spawn("sipp", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr.on("data", (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const killer = setTimeout(() => child.kill("SIGKILL"), ((options.timeoutS ?? 15) + 5) * 1000);
  let exited = false;
  const done = new Promise<SippResult>((resolve) => {
    child.on("exit", (code) => {
      exited = true;
      clearTimeout(killer);
      const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");
      const result = {
        code,
        output,
        errors: read("errors.log"),
        messages: read("messages.log"),
        stats: read("stats.csv"),
      };
      rmSync(dir, { recursive: true, force: true });
      resolve(result);
    });
  });
  const ready = waitBound({ pid: child.pid ?? -1, host: localIp, port, tcp: options.transport === "t1" }, () =>
    exited ? output : null,
  );
  return { port, done, ready };
}

/** Runs SIPp to completion. */
export async function runSipp(options: SippOptions): Promise<SippResult> {
  return (await startSipp(options)).done;
}

/**
 * Waits until SIPp has bound its port, by reading Linux's socket tables. It used to try to bind the port itself and
 * take "in use" as the answer, and a SIPp whose own bind came while that probe held the port would fail; CI once
 * saw a SIPp never bound within 5 s (which of the two, a slow start or that race, the log did not say). Now it looks
 * without binding, for a socket of SIPp's own process, up to 15 s, and fails at once, with SIPp's output, when SIPp
 * exits first.
 */
async function waitBound(
  sipp: { pid: number; host: string; port: number; tcp: boolean },
  exitOutput: () => string | null,
): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const output = exitOutput();
    if (output !== null)
      throw new Error(`sipp exited before it bound ${sipp.host}:${sipp.port}:\n${output.slice(-2000)}`);
    if (boundBy(sipp)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sipp did not bind ${sipp.host}:${sipp.port}`);
}

/**
 * Whether process `pid` has a socket bound to host:port (UDP) or listening on it (TCP): the socket's inode from
 * /proc/net/udp or /proc/net/tcp, among the process's open files.
 */
function boundBy(s: { pid: number; host: string; port: number; tcp: boolean }): boolean {
  // The table writes an IPv4 address as the hex of its 32 bits in host order (little-endian here), then the port.
  const ip = s.host
    .split(".")
    .map((b) => Number(b).toString(16).toUpperCase().padStart(2, "0"))
    .reverse()
    .join("");
  const local = `${ip}:${s.port.toString(16).toUpperCase().padStart(4, "0")}`;
  const LISTEN = "0A";
  const inodes = readFileSync(s.tcp ? "/proc/net/tcp" : "/proc/net/udp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === local && (!s.tcp || f[3] === LISTEN))
    .map((f) => `socket:[${f[9]}]`);
  if (inodes.length === 0) return false;
  try {
    return readdirSync(`/proc/${s.pid}/fd`).some((fd) => {
      try {
        return inodes.includes(readlinkSync(`/proc/${s.pid}/fd/${fd}`));
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false; // the process is gone: exitOutput says so next
  }
}

/** A bare UDP peer for hand-written SIP (malformed input, floods, missing ACKs). */
export class RawPeer {
  readonly received: SipMessage[] = [];
  private waiters: (() => void)[] = [];

  private constructor(
    readonly socket: Socket,
    readonly port: number,
    readonly host: string,
  ) {
    socket.on("message", (buf) => {
      const parsed = parseDatagram(buf);
      if (parsed.ok) this.received.push(parsed.value);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async open(host = "127.0.0.1"): Promise<RawPeer> {
    const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    const port = await new Promise<number>((resolve) => socket.bind(0, host, () => resolve(socket.address().port)));
    return new RawPeer(socket, port, host);
  }

  send(data: string | Buffer, port: number, host = this.host): Promise<void> {
    return new Promise((resolve, reject) =>
      this.socket.send(data, port, host, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Waits for a received message matching `predicate`. */
  async waitFor(predicate: (m: SipMessage) => boolean, timeoutMs = 3000): Promise<SipMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(predicate);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error("timed out waiting for a SIP message");
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}

/** A minimal request from a RawPeer (CRLF line endings, correct Content-Length). */
export function rawRequest(options: {
  method: string;
  uri: string;
  peerPort: number;
  host?: string;
  callId?: string;
  branch?: string;
  cseq?: number;
  toTag?: string;
  headers?: string[];
  body?: string;
}): string {
  const host = options.host ?? "127.0.0.1";
  const h = host.includes(":") ? `[${host}]` : host;
  const body = options.body ?? "";
  return [
    `${options.method} ${options.uri} SIP/2.0`,
    `Via: SIP/2.0/UDP ${h}:${options.peerPort};branch=${options.branch ?? `z9hG4bK${Math.random().toString(36).slice(2)}`};rport`,
    "Max-Forwards: 70",
    `From: <sip:raw@${h}:${options.peerPort}>;tag=rawtag`,
    `To: <${options.uri}>${options.toTag ? `;tag=${options.toTag}` : ""}`,
    `Call-ID: ${options.callId ?? `raw-${Math.random().toString(36).slice(2)}`}`,
    `CSeq: ${options.cseq ?? 1} ${options.method}`,
    `Contact: <sip:raw@${h}:${options.peerPort}>`,
    ...(options.headers ?? []),
    ...(body ? ["Content-Type: application/sdp"] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    "",
    body,
  ].join("\r\n");
}

export const G711_OFFER = [
  "v=0",
  "o=raw 1 1 IN IP4 127.0.0.1",
  "s=-",
  "c=IN IP4 127.0.0.1",
  "t=0 0",
  "m=audio 49170 RTP/AVP 0 8 101",
  "a=rtpmap:0 PCMU/8000",
  "a=rtpmap:8 PCMA/8000",
  "a=rtpmap:101 telephone-event/8000",
  "",
].join("\r\n");
