import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSse, type SseReader } from "../integration/api/sse-reader.js";
import { runParley, startParley, waitForStatus, type RunningParley } from "../helpers/parley-process.js";
import { fixtures, missingFixture } from "../helpers/paths.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../helpers/postgres.js";

/**
 * Two `parley serve` nodes, each with its own data dir (database), sharing a
 * PostgreSQL (store.url: queue and events) and a files folder (files.dir):
 * a voicemail uploaded to one is stored once in the shared folder, and an SSE
 * client of the other node hears it arrive and get processed.
 */
const skip = (await postgresUnavailable()) ?? missingFixture(fixtures.jfkWav);

describe.skipIf(skip !== null)(`two nodes sharing files and events${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const schema = scratchSchema();
  const nodes: RunningParley[] = [];
  const keys: string[] = [];
  const root = { dir: "" };
  let sse: SseReader | null = null;

  beforeAll(async () => {
    root.dir = mkdtempSync(join(tmpdir(), "parley-nodes-"));
    const yaml = join(root.dir, "parley.yaml");
    writeFileSync(
      yaml,
      [
        "store:",
        `  url: ${testPostgresUrl}`,
        `  schema: ${schema.schema}`,
        "files:",
        `  dir: ${join(root.dir, "shared")}`,
        "models:",
        `  dir: ${join(root.dir, "models")}`,
        "sip:",
        "  enabled: false",
        "",
      ].join("\n"),
    );
    const pulled = await runParley(["models", "pull", "tiny", "--config", yaml, "--data-dir", join(root.dir, "a")]);
    expect(pulled.code, pulled.stderr).toBe(0);
    for (const node of ["a", "b"]) {
      const common = ["--config", yaml, "--data-dir", join(root.dir, node)];
      const created = await runParley(["keys", "create", "--json", ...common]);
      keys.push((JSON.parse(created.stdout) as { key: string }).key);
      // Node b runs no jobs: node a processes the voicemail, b only hears about it.
      const env = node === "b" ? { PARLEY_JOBS__RUN_IN_SERVE: "false" } : {};
      nodes.push(
        await startParley(["--profile", "tiny", ...common, "--http", "127.0.0.1:0"], { env, timeoutMs: 90_000 }),
      );
    }
    for (const n of nodes) await waitForStatus(`${n.baseUrl}/readyz`, 200, 90_000);
  }, 240_000);

  afterAll(async () => {
    await sse?.close();
    for (const n of nodes) expect(await n.stop()).toBe(0);
    await schema.drop();
    if (root.dir) rmSync(root.dir, { recursive: true, force: true });
  }, 60_000);

  it("an upload to node a is stored once in files.dir, and node b's SSE client hears it received and processed", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    const stream = await fetch(`${b.baseUrl}/v1/events`, { headers: { authorization: `Bearer ${keys[1]}` } });
    expect(stream.status).toBe(200);
    sse = readSse(stream);
    const upload = await fetch(`${a.baseUrl}/v1/voicemails?mailbox=100&caller=%2B15550100`, {
      method: "POST",
      headers: { authorization: `Bearer ${keys[0]}`, "content-type": "audio/wav" },
      body: readFileSync(fixtures.jfkWav),
    });
    expect(upload.status).toBe(201);
    const { voicemail } = (await upload.json()) as { voicemail: { id: number } };

    const heard = await sse.next(2, { timeoutMs: 60_000 });
    expect(heard.map((m) => m.event)).toEqual(["voicemail.received", "voicemail.processed"]);
    expect(JSON.parse(heard[0]!.data!)).toMatchObject({ data: { voicemailId: voicemail.id, source: "api" } });

    // The audio lives in the shared folder, named by its content, and nowhere in the nodes' own data dirs.
    const shared = readdirSync(join(root.dir, "shared", "audio"), { recursive: true }).map(String);
    expect(shared.filter((f) => f.endsWith(".wav"))).toHaveLength(1);
    for (const node of ["a", "b"]) expect(readdirSync(join(root.dir, node))).not.toContain("audio");
    const audio = await fetch(`${a.baseUrl}/v1/voicemails/${voicemail.id}/audio`, {
      headers: { authorization: `Bearer ${keys[0]}` },
    });
    expect(Buffer.from(await audio.arrayBuffer()).equals(readFileSync(fixtures.jfkWav))).toBe(true);
  }, 120_000);
});
