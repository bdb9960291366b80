import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import type { ParleyConfig } from "../config/index.js";
import { describeError } from "../lib/errors.js";
import type { CheckResult } from "./types.js";

/** Why a TCP port cannot be listened on, or null when it can. */
function tcpBusy(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) =>
      resolve(err.code === "EADDRINUSE" ? "in use" : describeError(err)),
    );
    server.listen(port, host, () => server.close(() => resolve(null)));
  });
}

/** Why a UDP port cannot be bound, or null when it can. */
function udpBusy(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    socket.once("error", (err: NodeJS.ErrnoException) => {
      socket.close();
      resolve(err.code === "EADDRINUSE" ? "in use" : describeError(err));
    });
    socket.bind(port, host, () => socket.close(() => resolve(null)));
  });
}

/** The HTTP port, and where SIP and RTP listen: each must be free before `parley serve` starts. */
export async function listenChecks(config: ParleyConfig): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const { host, port } = config.http;
  const http = await tcpBusy(host, port);
  results.push(
    http
      ? {
          group: "network",
          name: "http port",
          status: "warn",
          detail: `${host}:${port} is ${http}`,
          fix: "stop what listens there, or choose another with --http HOST:PORT",
        }
      : { group: "network", name: "http port", status: "ok", detail: `${host}:${port} is free` },
  );
  results.push(await sipCheck(config));
  results.push(await rtpCheck(config));
  results.push(mediaAddressCheck(config));
  return results;
}

/** The address the SDP announces for RTP: bound to all interfaces (a container), it must come from the config. */
function mediaAddressCheck(config: ParleyConfig): CheckResult {
  const name = "media address";
  if (!config.sip.enabled) return { group: "network", name, status: "ok", detail: "SIP is off" };
  const address = config.calls.mediaAddress ?? config.sip.publicAddress ?? config.rtp.bindHost;
  const from = config.calls.mediaAddress
    ? "calls.mediaAddress"
    : config.sip.publicAddress
      ? "sip.publicAddress"
      : "rtp.bindHost";
  if (address === "0.0.0.0" || address === "::") {
    return {
      group: "network",
      name,
      status: "warn",
      detail: `calls would announce ${address} in their SDP (from ${from}), which callers read as "on hold": no audio`,
      fix: "set sip.publicAddress (or calls.mediaAddress) to the address the PBX reaches this host on",
    };
  }
  return { group: "network", name, status: "ok", detail: `SDP announces ${address} (${from})` };
}

async function sipCheck(config: ParleyConfig): Promise<CheckResult> {
  const name = "sip port";
  const { sip } = config;
  if (!sip.enabled) return { group: "network", name, status: "ok", detail: "SIP is off (sip.enabled: false)" };
  if (sip.driver === "drachtio")
    return {
      group: "network",
      name,
      status: "ok",
      detail: `drachtio-server listens for SIP; Parley connects to ${sip.drachtio.host}:${sip.drachtio.port}`,
    };
  const { host, port } = sip.listen;
  if (port === 0)
    return {
      group: "network",
      name,
      status: "ok",
      detail: `${host}: a free port is picked at start (sip.listen.port: 0)`,
    };
  const busy: string[] = [];
  for (const transport of sip.transports) {
    const why = transport === "udp" ? await udpBusy(host, port) : await tcpBusy(host, port);
    if (why) busy.push(`${transport.toUpperCase()} ${why}`);
  }
  return busy.length === 0
    ? { group: "network", name, status: "ok", detail: `${host}:${port} is free (${sip.transports.join(", ")})` }
    : {
        group: "network",
        name,
        status: "warn",
        detail: `${host}:${port}: ${busy.join(", ")}`,
        fix: "stop what listens there (another parley serve?), or choose another with --sip HOST:PORT",
      };
}

/** Every even port of rtp.ports on rtp.bindHost (each call takes one); a few in use cost capacity, all in use every call. */
async function rtpCheck(config: ParleyConfig): Promise<CheckResult> {
  const name = "rtp ports";
  if (!config.sip.enabled) return { group: "network", name, status: "ok", detail: "SIP is off: no media ports needed" };
  const { min, max } = config.rtp.ports;
  const host = config.rtp.bindHost;
  const ports: number[] = [];
  for (let p = min % 2 === 0 ? min : min + 1; p <= max; p += 2) ports.push(p);
  const busy: number[] = [];
  for (let i = 0; i < ports.length; i += 50) {
    const batch = ports.slice(i, i + 50);
    const answers = await Promise.all(batch.map((p) => udpBusy(host, p)));
    answers.forEach((a, j) => a && busy.push(batch[j] as number));
  }
  const range = `${host} ${min}-${max} (${ports.length} even ports, one per call)`;
  if (busy.length === 0) return { group: "network", name, status: "ok", detail: `${range}: all free` };
  const shown = busy.slice(0, 5).join(", ") + (busy.length > 5 ? ", ..." : "");
  return {
    group: "network",
    name,
    status: busy.length === ports.length ? "fail" : "warn",
    detail: `${range}: ${busy.length} in use (${shown}); at most ${ports.length - busy.length} calls at once`,
    fix: "stop what holds them (another parley serve?), or move rtp.ports to a free range",
  };
}
