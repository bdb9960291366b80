/**
 * Reproduces the HTTP floods of issue 10 against a real `parley serve` and
 * prints the figures as JSON (not a test: run it by hand, before and after a
 * change, on the same machine):
 *
 *   npx tsx test/floods/floods.ts login        [--bin path/to/bin/parley.js]
 *   npx tsx test/floods/floods.ts agent-body   [--bin path/to/bin/parley.js]
 *
 * login: 100 sign-ins at once from 127.0.0.1 (99 wrong, 1 right), while an
 * operator signs in from 127.0.0.2 and a script calls the API from 127.0.0.3.
 * agent-body: one POST /v1/agents with a 55 MB systemPrompt, while the API
 * is called every 100 ms; then the agent (if stored) is deleted. RSS is read
 * from the server's own /metrics.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { httpFrom, loginForm, type HttpAnswer } from "../helpers/http-from.js";
import { repoRoot } from "../helpers/paths.js";

const args = process.argv.slice(2);
const which = args[0];
const binAt = args.indexOf("--bin");
const bin = resolve(binAt >= 0 ? (args[binAt + 1] as string) : join(repoRoot, "bin", "parley.js"));
const OPERATOR = { name: "ana", password: "a long passphrase" };

function parley(dir: string, argv: string[], input?: string): string {
  const r = spawnSync(process.execPath, [bin, ...argv, "--config", join(dir, "parley.yaml"), "--data-dir", dir], {
    input,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`parley ${argv.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

async function startServer(dir: string): Promise<{ base: string; key: string; stop: () => void }> {
  writeFileSync(join(dir, "parley.yaml"), `agents: { dir: ${join(repoRoot, "agents")} }\nlog: { level: error }\n`);
  parley(dir, ["models", "pull", "tiny"]);
  parley(dir, ["operators", "add", OPERATOR.name, "--password-stdin"], `${OPERATOR.password}\n`);
  const key = (JSON.parse(parley(dir, ["keys", "create", "--json"])) as { key: string }).key;
  const child = spawn(
    process.execPath,
    [
      "--max-old-space-size=4096",
      bin,
      "serve",
      "--profile",
      "tiny",
      "--no-sip",
      "--http",
      "127.0.0.1:0",
      "--config",
      join(dir, "parley.yaml"),
      "--data-dir",
      dir,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const base = await new Promise<string>((res, rej) => {
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m?.[1]) res(m[1]);
    });
    child.once("exit", (code) => rej(new Error(`serve exited ${code}: ${err}`)));
  });
  // Engines load after the server listens; figures are taken once they have (RSS would otherwise grow under them).
  for (let i = 0; i < 240 && (await fetch(`${base}/readyz`).catch(() => null))?.status !== 200; i++)
    await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 2000));
  // Whatever ends this script (an error included), the server goes with it.
  process.once("exit", () => child.kill("SIGKILL"));
  return { base, key, stop: () => child.kill("SIGTERM") };
}

function tally(answers: HttpAnswer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: Math.round(performance.now() - t0) };
}

async function rssMb(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = /^parley_process_resident_memory_bytes (\d+)/m.exec(text);
  return m ? Math.round(Number(m[1]) / 1024 / 1024) : NaN;
}

async function loginFlood(base: string, key: string): Promise<unknown> {
  const forms = await Promise.all(Array.from({ length: 100 }, () => loginForm(base, "127.0.0.1", 300_000)));
  const bystander = await loginForm(base, "127.0.0.2", 300_000);
  const flood = timed(() =>
    Promise.all(
      forms.map((post, i) =>
        post({ method: "operator", name: OPERATOR.name, password: i === 50 ? OPERATOR.password : `wrong ${i}` }),
      ),
    ),
  );
  const during = await timed(() => bystander({ method: "operator", ...OPERATOR }));
  const api = await timed(() =>
    httpFrom(`${base}/v1/jobs`, {
      localAddress: "127.0.0.3",
      timeoutMs: 300_000,
      headers: { authorization: `Bearer ${key}` },
    }),
  );
  const done = await flood;
  const after = await timed(async () =>
    (await loginForm(base, "127.0.0.2", 300_000))({ method: "operator", ...OPERATOR }),
  );
  return {
    flood: { requests: 100, statuses: tally(done.value), wallMs: done.ms, correctOneAnswered: done.value[50]?.status },
    duringFlood: {
      signInFromOtherAddress: { status: during.value.status, ms: during.ms },
      apiCall: { status: api.value.status, ms: api.ms },
    },
    afterFlood: { signInFromOtherAddress: { status: after.value.status, ms: after.ms } },
  };
}

async function agentBodyFlood(base: string, key: string): Promise<unknown> {
  const auth = { authorization: `Bearer ${key}` };
  const rssBefore = await rssMb(base);
  // Built before anything is timed: making a 55 MB string stalls this process, not the server.
  const body = Buffer.from(JSON.stringify({ name: "huge", systemPrompt: "x".repeat(55 * 1024 * 1024) }));
  // A normal API call every 100 ms while the big request is answered: the slowest one shows any stall.
  const probes: number[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const p = await timed(() =>
        httpFrom(`${base}/v1/jobs`, { localAddress: "127.0.0.3", headers: auth }).then(
          (r) => r.status,
          () => 0,
        ),
      );
      probes.push(p.value === 200 ? p.ms : -p.value);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const post = await timed(() =>
    httpFrom(`${base}/v1/agents`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", "content-length": body.length },
      body,
      timeoutMs: 300_000,
    })
      .then((r) => ({ status: r.status, text: r.text.slice(0, 200) }))
      .catch((err: Error) => ({ status: 0, text: `no answer: ${err.message}` })),
  );
  await new Promise((r) => setTimeout(r, 500));
  probing = false;
  await prober;
  const rssAfterPost = await rssMb(base);
  const del = await fetch(`${base}/v1/agents/huge`, { method: "DELETE", headers: auth });
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 2000));
  return {
    request: { bytes: body.length, status: post.value.status, answer: post.value.text, ms: post.ms },
    apiCallsDuring: { count: probes.length, allOk: probes.every((ms) => ms >= 0), slowestMs: Math.max(...probes) },
    rssMb: { before: rssBefore, afterPost: rssAfterPost, afterDelete2s: await rssMb(base) },
    deleteStatus: del.status,
  };
}

const dir = mkdtempSync(join(tmpdir(), "parley-flood-"));
const server = await startServer(dir);
try {
  const result =
    which === "login"
      ? await loginFlood(server.base, server.key)
      : which === "agent-body"
        ? await agentBodyFlood(server.base, server.key)
        : null;
  if (result === null) throw new Error("usage: floods.ts login|agent-body [--bin path/to/bin/parley.js]");
  process.stdout.write(`${JSON.stringify({ flood: which, bin, ...(result as object) }, null, 2)}\n`);
} finally {
  server.stop();
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dir, { recursive: true, force: true });
}
