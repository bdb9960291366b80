import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../integration/sip/helpers.js";
import { runParley, startParley, waitForStatus, type RunningParley } from "../helpers/parley-process.js";
import { repoRoot } from "../helpers/paths.js";
import { sippCall } from "../helpers/sipp-call.js";
import { speechUlaw, speechWavBytes, VOICEMAIL_ROUTINE, VOICEMAIL_URGENT } from "../helpers/speech.js";

export const OPERATOR = { name: "ops", password: "a long passphrase for e2e" };
export const SCREENSHOTS = join(repoRoot, "test-results", "screenshots");

export interface ConsoleWorld {
  dir: string;
  server: RunningParley;
  key: string;
  urgentId: number;
  routineId: number;
  callId: number;
  stop(): Promise<number | null>;
}

/** Runs the built `parley` with stdin: `operators add --password-stdin` reads the password there. */
export function parleyWithStdin(args: string[], input: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "bin", "parley.js"), ...args], {
      cwd: repoRoot,
      stdio: ["pipe", "ignore", "inherit"],
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code));
    child.stdin.end(input);
  });
}

/**
 * A real `parley serve --profile tiny` on 127.0.0.1 with an operator and an
 * API key, a routine and an urgent voicemail (flite speech) processed, and
 * one finished SIPp call with a recording: what an operator finds on a first morning.
 */
export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const dir = mkdtempSync(join(tmpdir(), "parley-console-e2e-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(
    join(dir, "parley.yaml"),
    [
      `agents: { dir: ${join(repoRoot, "agents")} }`,
      "calls: { recordAll: true }",
      "rtp: { ports: { min: 33000, max: 33099 } }",
      'sip: { trunk: { uri: "sip:trunk.example.invalid" } }',
      "log: { level: warn }",
    ].join("\n"),
  );
  const common = ["--config", join(dir, "parley.yaml"), "--data-dir", dir];
  const pulled = await runParley(["models", "pull", "tiny", ...common]);
  if (pulled.code !== 0) throw new Error(`models pull failed: ${pulled.stderr}`);
  if (
    (await parleyWithStdin(
      ["operators", "add", OPERATOR.name, "--password-stdin", ...common],
      `${OPERATOR.password}\n`,
    )) !== 0
  )
    throw new Error("operators add failed");
  const key = (JSON.parse((await runParley(["keys", "create", "--json", ...common])).stdout) as { key: string }).key;
  const sipPort = await freePort();
  const server = await startParley(
    ["--profile", "tiny", ...common, "--http", "127.0.0.1:0", "--sip", `127.0.0.1:${sipPort}`],
    { timeoutMs: 150_000 },
  ); // a loaded 2-core machine can take over a minute to start serve
  try {
    await waitForStatus(`${server.baseUrl}/readyz`, 200, 90_000);
    const upload = async (text: string, mailbox: string) => {
      const res = await fetch(`${server.baseUrl}/v1/voicemails?mailbox=${mailbox}&caller=%2B15550100`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "audio/wav" },
        body: speechWavBytes(text),
      });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { voicemail: { id: number } }).voicemail.id;
    };
    const routineId = await upload(VOICEMAIL_ROUTINE, "100");
    const urgentId = await upload(VOICEMAIL_URGENT, "frontdesk");
    const audio = speechUlaw("Hello, I would like to book a table.", { leadSilenceS: 2, tailSilenceS: 3 });
    const call = await sippCall(
      `127.0.0.1:${sipPort}`,
      { audio, holdMs: 8000, hangup: "caller" },
      { sipPort: await freePort(), mediaPort: await freePort(), service: "receptionist" },
    );
    if (call.code !== 0) throw new Error(`the SIPp call failed: ${call.output}${call.errors}`);
    await settled(server.baseUrl, key, [routineId, urgentId]);
    const callId = await finishedCall(server.baseUrl, key);
    return {
      dir,
      server,
      key,
      urgentId,
      routineId,
      callId,
      stop: async () => {
        const code = await server.stop();
        rmSync(dir, { recursive: true, force: true });
        return code;
      },
    };
  } catch (err) {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

async function settled(base: string, key: string, ids: number[]): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const statuses = await Promise.all(
      ids.map(
        async (id) =>
          (
            (await (
              await fetch(`${base}/v1/voicemails/${id}`, { headers: { authorization: `Bearer ${key}` } })
            ).json()) as { status: string }
          ).status,
      ),
    );
    if (statuses.every((s) => s !== "queued" && s !== "processing")) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the voicemails were not processed in 30 s");
}

/**
 * The SIPp call, finished: its record is written as its session ends, a moment after the BYE. Inbound only: the
 * urgent voicemail's routing may place an outbound callback meanwhile.
 */
async function finishedCall(base: string, key: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const list = (await (
      await fetch(`${base}/v1/calls?direction=inbound&limit=1`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { items: { id: number; outcome: string | null }[] };
    if (list.items[0]?.outcome) return list.items[0].id;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("no finished call");
}

export interface BareConsole {
  dir: string;
  server: RunningParley;
  key: string;
  stop(): Promise<number | null>;
}

/**
 * A real `parley serve --profile tiny` on 127.0.0.1 with an operator and an API key and nothing else: for a page's
 * browser file that makes its own data. `config` lines are added to parley.yaml (after agents, the trunk, the log).
 */
export async function startBareConsole(config: string[] = []): Promise<BareConsole> {
  const dir = mkdtempSync(join(tmpdir(), "parley-console-e2e-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(
    join(dir, "parley.yaml"),
    [
      `agents: { dir: ${join(repoRoot, "agents")} }`,
      'sip: { trunk: { uri: "sip:trunk.example.invalid" } }',
      "log: { level: warn }",
      ...config,
    ].join("\n"),
  );
  const common = ["--config", join(dir, "parley.yaml"), "--data-dir", dir];
  const pulled = await runParley(["models", "pull", "tiny", ...common]);
  if (pulled.code !== 0) throw new Error(`models pull failed: ${pulled.stderr}`);
  if (
    (await parleyWithStdin(
      ["operators", "add", OPERATOR.name, "--password-stdin", ...common],
      `${OPERATOR.password}\n`,
    )) !== 0
  )
    throw new Error("operators add failed");
  const key = (JSON.parse((await runParley(["keys", "create", "--json", ...common])).stdout) as { key: string }).key;
  const server = await startParley([
    "--profile",
    "tiny",
    ...common,
    "--http",
    "127.0.0.1:0",
    "--sip",
    `127.0.0.1:${await freePort()}`,
  ]);
  const stop = async () => {
    const code = await server.stop();
    rmSync(dir, { recursive: true, force: true });
    return code;
  };
  try {
    await waitForStatus(`${server.baseUrl}/readyz`, 200, 90_000);
    return { dir, server, key, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
