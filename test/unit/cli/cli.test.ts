import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../../src/cli/main.js";
import { parseHostPort } from "../../../src/cli/host-port.js";
import type { CliContext } from "../../../src/cli/types.js";

function context(): { ctx: CliContext; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  return {
    ctx: { stdout, stderr, env: {}, cwd: process.cwd(), signal: new AbortController().signal },
    out: () => out,
    err: () => err,
  };
}

describe("parley CLI", () => {
  it("lists every command in --help", async () => {
    const c = context();
    expect(await main(["--help"], c.ctx)).toBe(0);
    for (const name of ["serve", "models", "doctor", "bench"]) expect(c.out()).toContain(`  ${name}`);
  });

  it("exits 2 with a one-line reason for an unknown command or flag", async () => {
    const c = context();
    expect(await main(["fly"], c.ctx)).toBe(2);
    expect(c.err()).toBe("parley: unknown command 'fly'; see parley --help\n");
    const d = context();
    expect(await main(["doctor", "--frobnicate"], d.ctx)).toBe(2);
    expect(d.err()).toMatch(/^parley doctor: .*frobnicate/);
  });

  it("prints a command's usage with --help", async () => {
    const c = context();
    expect(await main(["serve", "--help"], c.ctx)).toBe(0);
    expect(c.out()).toContain("--http HOST:PORT");
  });

  it("parses listen addresses", () => {
    expect(parseHostPort("0.0.0.0:5060", "--http")).toEqual({ host: "0.0.0.0", port: 5060 });
    expect(parseHostPort(":8080", "--http")).toEqual({ port: 8080 });
    expect(parseHostPort("[::1]:80", "--http")).toEqual({ host: "::1", port: 80 });
    expect(() => parseHostPort("localhost:99999", "--http")).toThrow(/--http: expected HOST:PORT/);
    expect(() => parseHostPort("nonsense", "--http")).toThrow(/--http/);
  });
});
