import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../../src/audio/index.js";
import { runParley, startParley, type RunningParley } from "../helpers/parley-process.js";
import { repoRoot } from "../helpers/paths.js";

/** The ```sh blocks of docs/api.md, in order. */
function shellBlocks(): string[] {
  const text = readFileSync(join(repoRoot, "docs", "api.md"), "utf8");
  return [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
}

const curlMissing = spawnSync("curl", ["--version"]).error ? "curl is not installed" : false;

/**
 * Issue 10, item 24 ("the docs match behaviour"): every shell example of
 * docs/api.md runs, as written, against a real `parley serve` (only the
 * host and port are swapped in). `curl` fails on any HTTP error status, so
 * an example that the server refuses fails here.
 */
describe.skipIf(curlMissing)("docs/api.md examples against a real server", () => {
  let site: string;
  let server: RunningParley;
  let key: string;
  const env = () => ({
    ...process.env,
    KEY: key,
    PARLEY_CONFIG: join(site, "parley.yaml"),
    PARLEY_DATA_DIR: join(site, "data"),
  });

  /** Runs a block in bash in the site folder: `curl` fails on HTTP errors and gives up after 3 s; `parley` is the built CLI. */
  const run = (block: string) => {
    const port = new URL(server.baseUrl).port;
    const script = [
      "set -eo pipefail",
      'curl() { command curl --fail-with-body --max-time 3 "$@"; }',
      `parley() { "${process.execPath}" "${join(repoRoot, "bin", "parley.js")}" "$@"; }`,
      block.replaceAll("localhost:8080", `127.0.0.1:${port}`),
    ].join("\n");
    return spawnSync("bash", ["-c", script], { cwd: site, env: env(), encoding: "utf8", timeout: 30_000 });
  };

  beforeAll(async () => {
    site = mkdtempSync(join(tmpdir(), "parley-api-doc-"));
    mkdirSync(join(site, "agents"));
    cpSync(join(repoRoot, "agents", "receptionist.yaml"), join(site, "agents", "receptionist.yaml"));
    // A trunk, so the examples' phone numbers are accepted (nothing is dialled: SIP is off).
    writeFileSync(
      join(site, "parley.yaml"),
      'agents: { dir: ./agents }\nsip: { trunk: { uri: "sip:trunk.example.invalid" } }\nlog: { level: warn }\n',
    );
    const tone = new Int16Array(16000).map((_, i) => Math.round(3000 * Math.sin(i / 5)));
    writeFileSync(join(site, "message.wav"), encodeWav({ channels: [tone], sampleRate: 8000 }));
    writeFileSync(join(site, "dnc.csv"), "number,reason\n+14155550199,asked\n");
    const common = ["--config", join(site, "parley.yaml"), "--data-dir", join(site, "data")];
    key = (
      JSON.parse((await runParley(["keys", "create", "--json", ...common], { cwd: site })).stdout) as { key: string }
    ).key;
    server = await startParley(["--profile", "tiny", "--no-sip", "--http", "127.0.0.1:0", ...common], { cwd: site });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    if (site) rmSync(site, { recursive: true, force: true });
  });

  it("runs every block, in order, with every request answered below 400", () => {
    const blocks = shellBlocks();
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    let ran = 0;
    for (const block of blocks) {
      if (block.includes("parley keys")) {
        // The key commands, with the id the first one prints in the third.
        const created = run(block.split("\n")[0] ?? "");
        expect(created.status, created.stderr).toBe(0);
        const id = /Created API key (\w+)/.exec(created.stdout)?.[1];
        const rest = run(
          block
            .split("\n")
            .slice(1)
            .join("\n")
            .replace("<id>", id ?? "missing"),
        );
        expect(rest.status, rest.stderr + rest.stdout).toBe(0);
      } else if (block.includes("curl -N")) {
        // The event stream never ends: after 3 s curl gives up (exit 28) with the replayed events in hand.
        const r = run(block);
        expect(r.status, r.stderr).toBe(28);
        expect(r.stdout).toMatch(/^event: voicemail\.received$/m);
        expect(r.stdout).toMatch(/^data: \{"id":\d+,"type":"voicemail\.received","createdAt":"\d{4}-/m);
      } else if (/-X POST \S*\/v1\/calls /.test(block)) {
        // Placing a call needs a SIP peer that answers; this server runs without SIP, so the example must reach the
        // route as written (key, body) and get the documented 409 for a server without SIP (curl --fail: exit 22).
        const r = run(block);
        expect(r.status, `${block}\n${r.stdout}\n${r.stderr}`).toBe(22);
        expect(r.stdout).toContain('"code":"sip_disabled"');
      } else {
        const r = run(block);
        expect(r.status, `${block}\n${r.stdout}\n${r.stderr}`).toBe(0);
      }
      ran++;
    }
    expect(ran).toBe(blocks.length);
    // What the examples left behind is what they say they do.
    expect(readFileSync(join(site, "header.bin")).subarray(0, 4).toString()).toBe("RIFF");
    expect(readFileSync(join(site, "results.csv"), "utf8").split("\n")[0]).toMatch(/^row,to,/);
  }, 120_000);
});
