import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readEnvConfig, validate } from "../../../src/config/index.js";
import { configSchema } from "../../../src/config/schema.js";
import { repoRoot } from "../../helpers/paths.js";

interface Service {
  image?: string;
  build?: { context: string };
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: string[];
}
interface Compose {
  services: Record<string, Service>;
  configs: Record<string, { content: string }>;
  networks: Record<string, { ipam: { config: { subnet: string }[] } }>;
}

const dir = join(repoRoot, "deploy");
const compose = parse(readFileSync(join(dir, "docker-compose.yml"), "utf8")) as Compose;
/** What `docker compose` would substitute: ${VAR:?message} and ${VAR} with the values an operator exports. */
const interpolate = (s: string) => s.replace(/\$\{(\w+)(:\?[^}]*)?\}/g, (_, name: string) => ({ DRACHTIO_SECRET: "0123456789abcdef", PUBLIC_IP: "203.0.113.10" })[name] ?? "");

/**
 * Issue 10, item 26: the compose example (Parley, drachtio-server, Kamailio)
 * is read like the Dockerfile: its Parley configuration is valid and names only
 * real settings, the published ports are Parley's, and the SIP path
 * Kamailio -> drachtio -> Parley is wired with matching ports and secrets.
 */
describe("deploy/docker-compose.yml", () => {
  const { parley, drachtio, kamailio } = compose.services;

  it("has Parley (built from this repository), drachtio-server and Kamailio", () => {
    expect(parley?.build?.context).toBe("..");
    expect(drachtio?.image).toMatch(/^drachtio\/drachtio-server:/);
    expect(kamailio?.image).toMatch(/kamailio/);
  });

  it("gives Parley a valid configuration of real settings, using drachtio", () => {
    const env = Object.fromEntries(Object.entries(parley!.environment!).map(([k, v]) => [k, interpolate(String(v))]));
    const fromEnv = readEnvConfig(env, configSchema);
    expect(fromEnv.ignored).toEqual([]);
    // On top of what the image sets (Dockerfile ENV), as at run time.
    const image = { PARLEY_HTTP__HOST: "0.0.0.0", PARLEY_HTTP__PORT: "8080", PARLEY_RTP__BIND_HOST: "0.0.0.0" };
    const config = validate(readEnvConfig({ ...image, ...env }, configSchema).values);
    expect(config.sip.driver).toBe("drachtio");
    expect(config.sip.drachtio.host).toBe("drachtio");
    // The SDP must carry an address the PBX can reach, never the 0.0.0.0 the sockets bind to.
    expect(config.sip.publicAddress).toBe("203.0.113.10");
    // Calls arrive from the internal network (Kamailio and drachtio live there).
    expect(config.sip.allow).toEqual(compose.networks.voice!.ipam.config.map((c) => c.subnet));
    expect(parley!.depends_on).toContain("drachtio");
  });

  it("publishes Parley's own ports (the config defaults): HTTP, and the RTP range unchanged inside and out", () => {
    const d = validate({});
    expect(parley!.ports).toEqual([`${d.http.port}:${d.http.port}/tcp`, `${d.rtp.ports.min}-${d.rtp.ports.max}:${d.rtp.ports.min}-${d.rtp.ports.max}/udp`]);
    // SIP is Kamailio's, on both transports; drachtio's admin port is never published.
    expect(kamailio!.ports).toEqual(["5060:5060/udp", "5060:5060/tcp"]);
    expect(drachtio!.ports).toBeUndefined();
  });

  it("points Parley at drachtio's admin port with the same secret, and Kamailio's dispatcher at drachtio's SIP port", () => {
    const conf = interpolate(compose.configs.drachtio_conf!.content);
    const admin = /<admin port="(\d+)" secret="([^"]+)">/.exec(conf);
    expect(admin?.[1]).toBe(parley!.environment!.PARLEY_SIP__DRACHTIO__PORT);
    expect(admin?.[2]).toBe(interpolate(parley!.environment!.PARLEY_SIP__DRACHTIO__SECRET!));
    const sipPort = /<contact>sip:\*:(\d+);/.exec(conf)?.[1];
    const dispatcher = readFileSync(join(dir, "kamailio", "dispatcher.list"), "utf8").split("\n").filter((l) => l.trim() && !l.startsWith("#"));
    expect(dispatcher).toEqual([`1 sip:drachtio:${sipPort};transport=udp 0 0`]);
    expect(kamailio!.volumes).toEqual(["./kamailio/kamailio.cfg:/etc/kamailio/kamailio.cfg:ro", "./kamailio/dispatcher.list:/etc/kamailio/dispatcher.list:ro"]);
  });

  const kamailioMissing = spawnSync("kamailio", ["-v"]).error ? "kamailio is not installed" : false;
  it.skipIf(kamailioMissing)(`has a Kamailio configuration that Kamailio itself accepts (kamailio -c)${kamailioMissing ? ` (skipped: ${kamailioMissing})` : ""}`, () => {
    const r = spawnSync("kamailio", ["-c", "-f", join(dir, "kamailio", "kamailio.cfg")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    // Without overrides (-A), the dispatcher list is the file the compose example mounts.
    const cfg = readFileSync(join(dir, "kamailio", "kamailio.cfg"), "utf8");
    expect(cfg).toContain('#!define DISPATCHER_LIST "/etc/kamailio/dispatcher.list"');
    expect(cfg).toContain('modparam("dispatcher", "list_file", DISPATCHER_LIST)');
  });
});
