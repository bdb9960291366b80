import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readEnvConfig, validate } from "../../../src/config/index.js";
import { configSchema } from "../../../src/config/schema.js";
import { repoRoot } from "../../helpers/paths.js";

interface Instruction {
  op: string;
  args: string;
}

/** The Dockerfile's instructions per stage (continuation lines joined, comments dropped). */
function stages(): Map<string, Instruction[]> {
  const text = readFileSync(join(repoRoot, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const out = new Map<string, Instruction[]>();
  let current: Instruction[] = [];
  for (const line of text.split("\n").map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const [op = "", ...rest] = line.split(/\s+/);
    const ins = { op: op.toUpperCase(), args: rest.join(" ") };
    if (ins.op === "FROM") {
      current = [];
      out.set(/\sAS\s+(\S+)/i.exec(ins.args)?.[1] ?? `stage${out.size}`, current);
    }
    current.push(ins);
  }
  return out;
}

/** `KEY=value KEY2=value2` of ENV instructions. */
function envOf(ins: Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const i of ins.filter((x) => x.op === "ENV")) for (const m of i.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, "");
  return env;
}

/** The container paths COPY writes (relative to WORKDIR /app), with where they come from. */
function copies(ins: Instruction[]): Array<{ from: string | null; src: string; dest: string }> {
  return ins
    .filter((i) => i.op === "COPY")
    .flatMap((i) => {
      const from = /--from=(\S+)/.exec(i.args)?.[1] ?? null;
      const parts = i.args.replace(/--\S+/g, "").trim().split(/\s+/);
      const dest = parts.pop() ?? "";
      return parts.map((src) => ({ from, src: src.replace(/^\/app\//, "").replace(/^\.\//, ""), dest: dest.replace(/^\.\//, "") }));
    });
}

/**
 * Issue 10, item 26: Docker cannot run here, so the Dockerfile is read: the
 * runtime stage holds every path `parley serve` reads (and `models pull
 * tiny` runs), and it exposes exactly the ports the configuration it sets
 * listens on, on all interfaces.
 */
describe("Dockerfile", () => {
  const all = stages();
  const runtime = [...all.values()].at(-1)!;
  const build = all.get("build")!;

  it("builds from every input the build reads", () => {
    const inputs = copies(build).filter((c) => c.from === null).map((c) => c.src);
    for (const p of ["package.json", "package-lock.json", ".npmrc", "tsconfig.json", "tsconfig.build.json", "src", "scripts", "models", "bin"]) {
      expect(inputs, p).toContain(p);
      expect(existsSync(join(repoRoot, p)), p).toBe(true);
    }
    // The build compiles scripts/ too: the test-model generators that `models pull tiny` loads from dist/scripts.
    expect((JSON.parse(readFileSync(join(repoRoot, "tsconfig.build.json"), "utf8")) as { include: string[] }).include).toContain("scripts");
    expect(readFileSync(join(repoRoot, "src", "models", "sources.ts"), "utf8")).toContain('import("../../scripts/test-models/index.js")');
  });

  it("copies into the runtime image everything the server reads: dist (with the generators), bin, models, agents, node_modules, package.json", () => {
    expect(runtime.find((i) => i.op === "WORKDIR")?.args).toBe("/app");
    const dests = new Map(copies(runtime).map((c) => [c.dest, c]));
    for (const [dest, src] of [["dist", "dist"], ["bin", "bin"], ["models", "models"], ["node_modules", "node_modules"], ["package.json", "package.json"]] as const) {
      expect(dests.get(dest), dest).toMatchObject({ from: "build", src });
    }
    // The agents: the default agents.dir (./agents) under WORKDIR; without them the container has no agent (item 20).
    expect(dests.get("agents"), "agents").toMatchObject({ src: "agents" });
    expect(validate({}).agents.dir).toBe("./agents");
    expect(existsSync(join(repoRoot, "agents", "receptionist.yaml"))).toBe(true);
    // What the entrypoint runs is there.
    expect(runtime.find((i) => i.op === "ENTRYPOINT")?.args).toContain("/app/bin/parley.js");
  });

  it("sets only real settings, listens on all interfaces, and exposes exactly those ports", () => {
    const env = envOf(runtime);
    const fromEnv = readEnvConfig(env, configSchema);
    expect(fromEnv.ignored).toEqual([]);
    const config = validate(fromEnv.values);
    expect([config.http.host, config.sip.listen.host, config.rtp.bindHost]).toEqual(["0.0.0.0", "0.0.0.0", "0.0.0.0"]);
    // The image's ports are the configuration's defaults, so docs and compose files agree with it.
    const defaults = validate({});
    expect([config.http.port, config.sip.listen.port, config.rtp.ports.min, config.rtp.ports.max]).toEqual([defaults.http.port, defaults.sip.listen.port, defaults.rtp.ports.min, defaults.rtp.ports.max]);
    const exposed = runtime.filter((i) => i.op === "EXPOSE").flatMap((i) => i.args.split(/\s+/)).sort();
    const wanted = [`${config.http.port}/tcp`, ...config.sip.transports.map((t) => `${config.sip.listen.port}/${t}`), `${config.rtp.ports.min}-${config.rtp.ports.max}/udp`].sort();
    expect(exposed).toEqual(wanted);
    expect(runtime.find((i) => i.op === "HEALTHCHECK")?.args).toContain(`127.0.0.1:${config.http.port}/readyz`);
  });
});
