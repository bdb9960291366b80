import { CliError } from "./types.js";

/** Parses "HOST:PORT", ":PORT" or "PORT" (IPv6 as "[::1]:PORT"). */
export function parseHostPort(value: string, flag: string): { host?: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError(`${flag}: expected HOST:PORT (e.g. 127.0.0.1:8080), got '${value}'`, 2);
  }
  const host = m[1] ?? m[2];
  return host ? { host, port } : { port };
}
