import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { runParley, startParley, waitForStatus } from "../helpers/parley-process.js";
import { repoRoot } from "../helpers/paths.js";
import { scratchDir } from "../helpers/scratch.js";

interface Readiness {
  status: string;
  engines: Array<{ status: string }>;
  agents: Record<string, unknown>;
}

/**
 * Issue 10, item 20, on a real `parley serve` started from another folder
 * than its config: relative paths in the file are the file's, and a server
 * with no agent at all stays unready (saying why) until one exists.
 */
describe("parley serve and its agents", () => {
  it("reads agents.dir relative to the config file; with none, /readyz is 503 naming why until an agent is created", async () => {
    const site = scratchDir("parley-site");
    mkdirSync(join(site, "agents"));
    writeFileSync(join(site, "parley.yaml"), "dataDir: ./data\nagents: { dir: ./agents }\nlog: { level: warn }\n");
    const common = ["--config", join(site, "parley.yaml")];
    const elsewhere = scratchDir("parley-cwd");
    expect((await runParley(["models", "pull", "tiny", ...common], { cwd: elsewhere })).code).toBe(0);
    const key = (
      JSON.parse((await runParley(["keys", "create", "--json", ...common], { cwd: elsewhere })).stdout) as {
        key: string;
      }
    ).key;

    const server = await startParley(["--profile", "tiny", "--no-sip", "--http", "127.0.0.1:0", ...common], {
      cwd: elsewhere,
    });
    onTestFinished(() => void server.stop(2000)); // also when the test fails or times out
    try {
      // Engines load, but with no agent the server does not call itself ready.
      const deadline = Date.now() + 90_000;
      let ready: Readiness | null = null;
      while (Date.now() < deadline) {
        ready = (await (await fetch(`${server.baseUrl}/readyz`)).json()) as Readiness;
        if (ready.engines.every((e) => e.status === "ready")) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(ready?.engines.every((e) => e.status === "ready")).toBe(true);
      expect(ready?.status).toBe("not_ready");
      expect(ready?.agents).toEqual({
        count: 0,
        dir: join(site, "agents"),
        default: "receptionist",
        defaultExists: false,
        ready: false,
      });
      expect(server.stderr()).toContain(`no agents: ${join(site, "agents")} holds no *.yaml and the database has none`);

      const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
      const created = await fetch(`${server.baseUrl}/v1/agents`, {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ name: "receptionist", systemPrompt: "You answer the phone." }),
      });
      expect(created.status).toBe(201);
      await waitForStatus(`${server.baseUrl}/readyz`, 200, 10_000);
    } finally {
      await server.stop();
    }

    // The same site with its agent file, still started elsewhere: the file beside parley.yaml is found.
    cpSync(join(repoRoot, "agents", "receptionist.yaml"), join(site, "agents", "receptionist.yaml"));
    const again = await startParley(["--profile", "tiny", "--no-sip", "--http", "127.0.0.1:0", ...common], {
      cwd: elsewhere,
    });
    onTestFinished(() => void again.stop(2000));
    try {
      const list = (await (
        await fetch(`${again.baseUrl}/v1/agents`, { headers: { authorization: `Bearer ${key}` } })
      ).json()) as { items: Array<{ name: string; source: string }> };
      expect(list.items.find((a) => a.source === "file")?.name).toBe("receptionist");
    } finally {
      await again.stop();
    }
  }, 240_000);
});
