import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, freeMediaPort } from "../integration/sip/helpers.js";
import type { RunningParley } from "../helpers/parley-process.js";
import { addOperator, createKey, dirArgs, pullModels, serveOnLoopback } from "../helpers/parley-setup.js";
import { repoRoot } from "../helpers/paths.js";
import { sippCall } from "../helpers/sipp-call.js";
import { speechUlaw, speechWavBytes, VOICEMAIL_ROUTINE, VOICEMAIL_URGENT } from "../helpers/speech.js";

export const OPERATOR = { name: "ops", password: "a long passphrase for e2e" };
export const SCREENSHOTS = join(repoRoot, "test-results", "screenshots");
/** The repository's agents (the receptionist with its routing rule), as parley.yaml's first line. */
export const AGENTS_LINE = `agents: { dir: ${join(repoRoot, "agents")} }`;
/** A trunk that resolves nowhere: outbound calls are configured, none reaches a network. */
export const TRUNK_LINE = 'sip: { trunk: { uri: "sip:trunk.example.invalid" } }';

export interface BareConsole {
  dir: string;
  server: RunningParley;
  key: string;
  /** Where SIP callers dial: 127.0.0.1:<port>. */
  sip: string;
  /** Stops the server (SIGTERM, SIGKILL after `timeoutMs`) and removes the data dir; resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
}

/**
 * A real `parley serve --profile tiny` on 127.0.0.1 with an operator and an API key and nothing else: for a page's
 * browser file that makes its own data. parley.yaml is `config` (by default the repository's agents and the trunk)
 * and `log: { level: warn }`.
 */
export async function startBareConsole(config: string[] = [AGENTS_LINE, TRUNK_LINE]): Promise<BareConsole> {
  const dir = mkdtempSync(join(tmpdir(), "parley-console-e2e-"));
  mkdirSync(SCREENSHOTS, { recursive: true });
  writeFileSync(join(dir, "parley.yaml"), [...config, "log: { level: warn }"].join("\n"));
  try {
    const args = dirArgs(dir);
    await pullModels(args);
    await addOperator(args, OPERATOR);
    const key = await createKey(args);
    // A loaded 2-core machine can take over a minute to start serve.
    const { server, sip } = await serveOnLoopback(args, { startTimeoutMs: 150_000 });
    const stop = async (timeoutMs?: number) => {
      const code = await server.stop(timeoutMs);
      rmSync(dir, { recursive: true, force: true });
      return code;
    };
    return { dir, server, key, sip, stop };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface ConsoleWorld extends BareConsole {
  urgentId: number;
  routineId: number;
  callId: number;
}

/**
 * startBareConsole plus a routine and an urgent voicemail (flite speech) processed, and one finished SIPp call with
 * a recording: what an operator finds on a first morning.
 */
export async function startConsoleWorld(): Promise<ConsoleWorld> {
  const world = await startBareConsole([
    AGENTS_LINE,
    "calls: { recordAll: true }",
    "rtp: { ports: { min: 33000, max: 33099 } }",
    TRUNK_LINE,
  ]);
  try {
    const base = world.server.baseUrl;
    const upload = async (text: string, mailbox: string) => {
      const res = await fetch(`${base}/v1/voicemails?mailbox=${mailbox}&caller=%2B15550100`, {
        method: "POST",
        headers: { authorization: `Bearer ${world.key}`, "content-type": "audio/wav" },
        body: speechWavBytes(text),
      });
      if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
      return ((await res.json()) as { voicemail: { id: number } }).voicemail.id;
    };
    const routineId = await upload(VOICEMAIL_ROUTINE, "100");
    const urgentId = await upload(VOICEMAIL_URGENT, "frontdesk");
    const audio = speechUlaw("Hello, I would like to book a table.", { leadSilenceS: 2, tailSilenceS: 3 });
    const call = await sippCall(
      world.sip,
      { audio, holdMs: 8000, hangup: "caller" },
      { sipPort: await freePort(), mediaPort: await freeMediaPort(), service: "receptionist" },
    );
    if (call.code !== 0) throw new Error(`the SIPp call failed: ${call.output}${call.errors}`);
    await settled(base, world.key, [routineId, urgentId]);
    const callId = await finishedCall(base, world.key);
    return { ...world, urgentId, routineId, callId };
  } catch (err) {
    await world.stop();
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
