import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { runParley, startParley, waitForStatus } from "../helpers/parley-process.js";

/**
 * The first thing a newcomer does: pull the tiny profile and serve it. These
 * run the built `parley` binary as a real process on 127.0.0.1.
 */
describe("parley serve --profile tiny (real process)", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "parley-e2e-"));
    const pulled = await runParley(["models", "pull", "tiny", "--data-dir", dataDir]);
    expect(pulled.code, pulled.stderr).toBe(0);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("answers /healthz at once, /readyz 200 once the engines load, /metrics, and stops on SIGTERM with exit 0", async () => {
    const server = await startParley([
      "--profile",
      "tiny",
      "--data-dir",
      dataDir,
      "--http",
      "127.0.0.1:0",
      "--sip",
      "127.0.0.1:0",
    ]);
    try {
      const health = await fetch(`${server.baseUrl}/healthz`);
      expect(health.status).toBe(200);
      const ready = await waitForStatus(`${server.baseUrl}/readyz`, 200, 90_000);
      const body = (await ready.json()) as {
        status: string;
        engines: { role: string; status: string; language?: string }[];
        greetings?: string;
        phrases?: string;
      };
      expect(body.status).toBe("ready");
      // SIP is on: ready waited for the agents' greetings in the TTS cache, so the first caller hears one at once.
      expect(body.greetings).toBe("cached");
      // The other fixed phrases follow as batch work; /readyz says when they are done (`bench calls --restarted`).
      expect(["rendering", "done"]).toContain(body.phrases);
      const phrasesDone = async () => {
        for (let i = 0; i < 240; i++) {
          const r = (await (await fetch(`${server.baseUrl}/readyz`)).json()) as { phrases?: string };
          if (r.phrases === "done") return true;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        return false;
      };
      expect(await phrasesDone()).toBe(true);
      const base = body.engines.filter((e) => e.language === undefined);
      expect(base.map((e) => e.role).sort()).toEqual(["asrBatch", "asrStreaming", "llm", "tts", "vad"]);
      // tiny's German entry: its own recognisers, LLM and voice, for German agents.
      const german = body.engines.filter((e) => e.language === "de");
      expect(german.map((e) => e.role).sort()).toEqual(["asrBatch", "asrStreaming", "llm", "tts"]);
      expect(body.engines.every((e) => e.status === "ready")).toBe(true);
      const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/parley_engine_ready\{role="llm",model="tiny-llm"\} 1/);
      expect(metrics).toMatch(/parley_http_request_duration_seconds_count\{method="GET",route="\/readyz"/);
    } finally {
      const code = await server.stop();
      expect(code).toBe(0);
    }
    expect(server.stderr()).toMatch(/"msg":"stopped"/);
    // The media thread started before any engine loaded: starting it later forks the process with the models in it.
    const log = server.stderr();
    expect(log).toMatch(/"msg":"media thread (started|runs below)/);
    expect(log.search(/"msg":"media thread (started|runs below)/)).toBeLessThan(log.indexOf('"msg":"engine loaded"'));
    // So did the command helper (ffmpeg forks from it, not from the server).
    expect(log.indexOf('"msg":"command helper started"')).toBeGreaterThanOrEqual(0);
    expect(log.indexOf('"msg":"command helper started"')).toBeLessThan(log.indexOf('"msg":"engine loaded"'));
  });

  it("refuses to start without models that must be downloaded, and says which are missing and how to get them", async () => {
    const empty = mkdtempSync(join(tmpdir(), "parley-e2e-empty-"));
    try {
      const r = await runParley(["serve", "--profile", "small", "--data-dir", empty, "--http", "127.0.0.1:0"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/profile 'small' is missing \d model\(s\)/);
      expect(r.stderr).toContain("parley models pull small");
      expect(r.stderr).toContain("parley models import");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("rejects an invalid config file, naming the field and the reason", async () => {
    const file = join(dataDir, "bad.yaml");
    writeFileSync(file, "http:\n  port: eighty\nengines:\n  llm:\n    threds: 2\n");
    const r = await runParley(["serve", "--config", file, "--data-dir", dataDir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("http.port");
    expect(r.stderr).toContain("engines.llm.threds: unknown field");
  });

  it("reads PARLEY_* environment variables", async () => {
    const r = await runParley(["serve", "--data-dir", dataDir], { env: { PARLEY_HTTP__PORT: "not-a-port" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("http.port");
  });

  it("doctor --json reports the tiny profile installed and native modules loaded", async () => {
    const r = await runParley(["doctor", "--json", "--data-dir", dataDir, "--profile", "tiny"]);
    const report = JSON.parse(r.stdout) as { checks: { group: string; name: string; status: string }[] };
    const tiny = report.checks.find((c) => c.name.startsWith("profile tiny"));
    expect(tiny?.status).toBe("ok");
    for (const name of ["better-sqlite3", "sherpa-onnx-node", "node-llama-cpp"]) {
      expect(report.checks.find((c) => c.name === name)?.status).toBe("ok");
    }
  });

  it("bench engines --profile tiny --json generates the tiny models on demand (no pull first) and measures every engine", async () => {
    // Issue 10, item 21: a fresh data dir, no `models pull tiny`: the local test models are generated when needed.
    const fresh = mkdtempSync(join(tmpdir(), "parley-e2e-fresh-"));
    onTestFinished(() => rmSync(fresh, { recursive: true, force: true }));
    const r = await runParley(["bench", "engines", "--profile", "tiny", "--data-dir", fresh, "--runs", "3", "--json"], {
      timeoutMs: 240_000,
    });
    expect(r.code, r.stderr).toBe(0);
    const listed = JSON.parse(
      (await runParley(["models", "list", "--profile", "tiny", "--json", "--data-dir", fresh])).stdout,
    ) as { models: { id: string; installed: boolean }[] };
    expect(listed.models.map((m) => [m.id, m.installed])).toContainEqual(["tiny-llm", true]);
    const report = JSON.parse(r.stdout) as {
      engines: { role: string; loadMs: number; rtf?: number; ratio?: number }[];
      memory: { rssLoadedMb: number };
    };
    expect(report.engines.map((e) => e.role)).toEqual(["vad", "asrStreaming", "asrBatch", "tts", "llm"]);
    for (const e of report.engines) expect(e.loadMs).toBeGreaterThan(0);
    for (const e of report.engines.filter((x) => x.role !== "llm")) expect(e.rtf).toBeGreaterThan(0);
    expect(report.engines.find((e) => e.role === "llm")?.ratio).toBeGreaterThan(0);
    expect(report.memory.rssLoadedMb).toBeGreaterThan(0);
  });
});
