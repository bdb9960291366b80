import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort } from "../integration/sip/helpers.js";
import { repoRoot } from "./paths.js";

/**
 * drachtio-server for the drachtio driver's tests: the build in
 * ../shared/tools/drachtio (beside the project in CI and development), started
 * with its start.sh on 127.0.0.1 and stopped by pid. The tests run wherever
 * that binary exists; elsewhere they skip and say so.
 */
const toolDir = resolve(repoRoot, "../shared/tools/drachtio");
export const drachtioBinary = join(toolDir, "drachtio");
export const drachtioMissing: string | false = existsSync(drachtioBinary)
  ? false
  : `no drachtio-server build at ${drachtioBinary} (../shared/tools/drachtio is beside the project in CI and development)`;

export interface DrachtioServer {
  /** Where it takes SIP (UDP and TCP). */
  sipPort: number;
  /** Its application port, for drachtio-srf. */
  adminPort: number;
  secret: string;
  log(): string;
  stop(): Promise<void>;
}

/** Starts drachtio-server and resolves once its application port accepts connections. */
export async function startDrachtio(): Promise<DrachtioServer> {
  const sipPort = await freePort();
  const adminPort = await freePort();
  const secret = randomBytes(8).toString("hex");
  const dir = mkdtempSync(join(tmpdir(), "parley-drachtio-"));
  const logFile = join(dir, "drachtio.log");
  // TMPDIR: start.sh writes its config with mktemp -t, into our folder, removed by stop().
  const pid = Number(
    execFileSync(join(toolDir, "start.sh"), [String(sipPort), String(adminPort), secret, logFile], {
      encoding: "utf8",
      env: { ...process.env, TMPDIR: dir },
    }).trim(),
  );
  const log = () => (existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-20_000) : "");
  const stop = async () => {
    if (alive(pid)) {
      process.kill(pid, "SIGTERM");
      for (let i = 0; i < 30 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100; i++) {
    if (!alive(pid)) break;
    if (await accepts(adminPort)) return { sipPort, adminPort, secret, log, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  const text = log();
  await stop();
  throw new Error(
    `drachtio-server did not start (is a runtime library missing? see ../shared/tools/drachtio/README.md):\n${text}`,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !existsSync(`/proc/${pid}/stat`) || !readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z ");
  } catch {
    return false;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
