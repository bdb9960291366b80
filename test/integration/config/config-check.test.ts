import { createSocket } from "node:dgram";
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "../sip/helpers.js";
import { runCliInProcess } from "../../helpers/cli.js";
import { repoRoot } from "../../helpers/paths.js";
import { scratchDir } from "../../helpers/scratch.js";
import { createTestApp } from "../../helpers/app.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";

const pgSkip = await postgresUnavailable();

interface Check {
  group: string;
  name: string;
  status: "ok" | "warn" | "fail";
  detail: string;
  fix?: string;
}

/** A site folder: parley.yaml with relative agents.dir and dataDir, and the agents it names. */
function site(yaml: string[], agents: Record<string, string> | "receptionist" = "receptionist"): string {
  const dir = scratchDir("parley-site");
  mkdirSync(join(dir, "agents"));
  if (agents === "receptionist")
    cpSync(join(repoRoot, "agents", "receptionist.yaml"), join(dir, "agents", "receptionist.yaml"));
  else for (const [name, text] of Object.entries(agents)) writeFileSync(join(dir, "agents", name), text);
  writeFileSync(join(dir, "parley.yaml"), ["dataDir: ./data", "agents: { dir: ./agents }", ...yaml].join("\n"));
  return dir;
}

async function check(dir: string, cwd = scratchDir("parley-elsewhere")): Promise<{ code: number; checks: Check[] }> {
  const r = await runCliInProcess(["config", "check", "--json", "--config", join(dir, "parley.yaml")], cwd);
  return { code: r.code, checks: (JSON.parse(r.out) as { checks: Check[] }).checks };
}
const find = (checks: Check[], group: string, name: string) => checks.find((c) => c.group === group && c.name === name);

/** Issue 10, item 20: `parley config check` (and doctor) check agents and ports, with paths relative to the config file. */
describe("parley config check", () => {
  it("finds the agents beside the config file when started from another folder, and passes", async () => {
    const dir = site([
      `http: { port: ${await freePort()} }`,
      `sip: { listen: { port: ${await freePort()} } }`,
      "rtp: { ports: { min: 34100, max: 34119 } }",
    ]);
    const { code, checks } = await check(dir);
    expect(code).toBe(0);
    expect(find(checks, "agents", "files")).toMatchObject({
      status: "ok",
      detail: `1 in ${join(dir, "agents")} (receptionist); 0 from the API`,
    });
    expect(find(checks, "agents", "default")?.status).toBe("ok");
    for (const name of ["http port", "sip port", "rtp ports"])
      expect(find(checks, "network", name)?.status, name).toBe("ok");
  });

  it("fails with zero agents, naming the folder, unless agents.allowNone", async () => {
    const empty = site([`http: { port: 0 }`, "sip: { enabled: false }"], {});
    const none = await check(empty);
    expect(none.code).toBe(1);
    expect(find(none.checks, "agents", "files")).toMatchObject({
      status: "fail",
      detail: expect.stringContaining(`no agents: ${join(empty, "agents")} holds no *.yaml`),
    });
    writeFileSync(
      join(empty, "parley.yaml"),
      "dataDir: ./data\nagents: { dir: ./agents, allowNone: true }\nhttp: { port: 0 }\nsip: { enabled: false }\n",
    );
    const allowed = await check(empty);
    expect(allowed.code).toBe(0);
    expect(find(allowed.checks, "agents", "files")?.status).toBe("warn");
  });

  it.skipIf(pgSkip !== null)(
    `with store.url, counts the agents made through the API in the shared store${pgSkip ? ` (skipped: ${pgSkip})` : ""}`,
    async () => {
      const { schema, drop } = scratchSchema();
      try {
        const store = `store: { url: ${JSON.stringify(testPostgresUrl)}, schema: ${schema} }`;
        const dir = site([`http: { port: 0 }`, "sip: { enabled: false }", store], {});
        // Not migrated yet: no agents from the API, and none in files.
        expect(find((await check(dir)).checks, "agents", "files")).toMatchObject({
          status: "fail",
          detail: expect.stringContaining("and the store has none"),
        });
        const node = await createTestApp({ config: { store: { url: testPostgresUrl, schema } } });
        try {
          const created = await node.request("/v1/agents", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ name: "front-desk", systemPrompt: "You answer the phone." }),
          });
          expect(created.status).toBe(201);
        } finally {
          await node.close();
        }
        const r = await check(dir);
        expect(find(r.checks, "agents", "files")).toMatchObject({
          status: "ok",
          detail: expect.stringContaining("1 from the API"),
        });
        expect(find(r.checks, "agents", "files")?.detail).toContain("0 in");
      } finally {
        await drop();
      }
    },
    120_000,
  );

  it("fails on an invalid agent file, naming the file and the field", async () => {
    const dir = site(["http: { port: 0 }", "sip: { enabled: false }"], {
      "broken.yaml": "name: broken\nsystemPrompt: hi\nlive: { bargeInMinMs: 1 }\n",
    });
    const { code, checks } = await check(dir);
    expect(code).toBe(1);
    expect(find(checks, "agents", "files")?.detail).toMatch(
      new RegExp(`${join(dir, "agents", "broken.yaml")}: live.bargeInMinMs: Too small`),
    );
  });

  it("warns about SIP and RTP ports that are taken, naming them", async () => {
    const sipPort = await freePort();
    const tcp = createServer();
    await new Promise<void>((r) => tcp.listen(sipPort, "127.0.0.1", () => r()));
    const rtp = createSocket("udp4");
    await new Promise<void>((r) => rtp.bind(34202, "127.0.0.1", () => r()));
    try {
      const dir = site([
        "http: { port: 0 }",
        `sip: { listen: { port: ${sipPort} } }`,
        "rtp: { ports: { min: 34200, max: 34209 } }",
      ]);
      const { code, checks } = await check(dir);
      expect(code).toBe(0); // warnings: another parley may be running
      expect(find(checks, "network", "sip port")).toMatchObject({
        status: "warn",
        detail: `127.0.0.1:${sipPort}: TCP in use`,
      });
      expect(find(checks, "network", "rtp ports")).toMatchObject({
        status: "warn",
        detail: "127.0.0.1 34200-34209 (5 even ports, one per call): 1 in use (34202); at most 4 calls at once",
      });
    } finally {
      tcp.close();
      rtp.close();
    }
  });

  it("warns when calls would announce 0.0.0.0 in their SDP (a container binding all interfaces without sip.publicAddress)", async () => {
    const dir = site([
      "http: { port: 0 }",
      "sip: { listen: { port: 0 } }",
      "rtp: { bindHost: 0.0.0.0, ports: { min: 34300, max: 34309 } }",
    ]);
    const { checks } = await check(dir);
    expect(find(checks, "network", "media address")).toMatchObject({
      status: "warn",
      fix: expect.stringContaining("sip.publicAddress"),
    });
    writeFileSync(
      join(dir, "parley.yaml"),
      "dataDir: ./data\nagents: { dir: ./agents }\nhttp: { port: 0 }\nsip: { listen: { port: 0 }, publicAddress: 203.0.113.10 }\nrtp: { bindHost: 0.0.0.0, ports: { min: 34300, max: 34309 } }\n",
    );
    expect(find((await check(dir)).checks, "network", "media address")).toMatchObject({
      status: "ok",
      detail: "SDP announces 203.0.113.10 (sip.publicAddress)",
    });
  });
});
