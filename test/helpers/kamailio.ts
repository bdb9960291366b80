import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../integration/sip/helpers.js";
import { repoRoot } from "./paths.js";

/** Why Kamailio tests cannot run here, or false. */
export const kamailioMissing: string | false = spawnSync("kamailio", ["-v"]).error
  ? "kamailio is not installed (apt-get install kamailio)"
  : false;

export interface Kamailio {
  port: number;
  /** What Kamailio logged (stderr), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Kamailio as registrar and proxy on 127.0.0.1 (test/fixtures/kamailio/registrar.cfg), in the foreground so it
 * stops by pid; ready once its UDP port answers OPTIONS. Killed after `timeoutS` whatever happens.
 */
export async function startKamailio(timeoutS = 120): Promise<Kamailio> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "parley-kamailio-"));
  const cfg = join(dir, "kamailio.cfg");
  writeFileSync(
    cfg,
    readFileSync(join(repoRoot, "test/fixtures/kamailio/registrar.cfg"), "utf8").replaceAll("SIP_PORT", String(port)),
  );
  return run(port, dir, ["-f", cfg], timeoutS);
}

/**
 * The shipped deploy/kamailio/kamailio.cfg, as is, in front of `nodes` (host:port of each Parley's SIP), on
 * 127.0.0.1 over UDP: only its defines are overridden (listen address, dispatcher list, probe interval).
 */
export async function startKamailioDispatcher(
  nodes: string[],
  o: { probeIntervalS?: number; timeoutS?: number } = {},
): Promise<Kamailio> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "parley-kamailio-"));
  const list = join(dir, "dispatcher.list");
  writeFileSync(list, nodes.map((n) => `1 sip:${n};transport=udp 0 0\n`).join(""));
  const defines = [
    "UDP_ONLY",
    `SIP_LISTEN=udp:127.0.0.1:${port}`,
    `DISPATCHER_LIST="${list}"`,
    `PROBE_INTERVAL_S=${o.probeIntervalS ?? 5}`,
  ];
  const args = ["-f", join(repoRoot, "deploy/kamailio/kamailio.cfg"), ...defines.flatMap((d) => ["-A", d])];
  return run(port, dir, args, o.timeoutS ?? 120);
}

async function run(port: number, dir: string, cfgArgs: string[], timeoutS: number): Promise<Kamailio> {
  const child: ChildProcess = spawn("kamailio", [...cfgArgs, "-DD", "-E", "-m", "32", "-M", "8", "-Y", dir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  const killer = setTimeout(() => child.kill("SIGKILL"), timeoutS * 1000);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const forced = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(forced);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (await answersOptions(port, 10_000)) return { port, log: () => log, stop };
  await stop();
  throw new Error(`kamailio did not start:\n${log}`);
}

/** True once something on 127.0.0.1:port answers an OPTIONS (retried every 100 ms). */
async function answersOptions(port: number, timeoutMs: number): Promise<boolean> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", () => resolve()));
  const local = socket.address().port;
  let answered = false;
  socket.on("message", (buf) => {
    if (buf.toString("latin1").startsWith("SIP/2.0 ")) answered = true;
  });
  const options = (n: number) =>
    [
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKprobe${n};rport`,
      "Max-Forwards: 70",
      `From: <sip:probe@127.0.0.1:${local}>;tag=probe`,
      `To: <sip:127.0.0.1:${port}>`,
      `Call-ID: probe-${local}`,
      `CSeq: ${n} OPTIONS`,
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
  const deadline = Date.now() + timeoutMs;
  for (let n = 1; !answered && Date.now() < deadline; n++) {
    socket.send(options(n), port, "127.0.0.1");
    await new Promise((r) => setTimeout(r, 100));
  }
  socket.close();
  return answered;
}
