import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readWavHeader } from "../../../src/audio/index.js";
import { checkWavFile, isTempName, STALE_TEMP_MS, sweepTempFiles } from "../../../src/store/files/index.js";
import { repoRoot } from "../../helpers/paths.js";
import { scratchDir } from "../../helpers/scratch.js";

/**
 * Several nodes sharing one files folder (files.dir), each a real process
 * with its own database, writing through the production writers
 * (shared-node.ts): same and different content at once, recordings of calls
 * with the same per-node id, and a node killed in the middle of a recording.
 */

const NODE = join(repoRoot, "test/integration/files/shared-node.ts");

interface Node {
  child: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves when the node printed `line`. */
  printed(line: string): Promise<void>;
}

function startNode(args: string[]): Node {
  const child = spawn(process.execPath, ["--import", "tsx", NODE, ...args], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiting: { line: string; resolve: () => void }[] = [];
  let out = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    let nl;
    while ((nl = out.indexOf("\n")) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      lines.push(line);
      for (const w of waiting.filter((x) => x.line === line)) w.resolve();
    }
  });
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 100_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    }),
  );
  const printed = (line: string) =>
    lines.includes(line)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          waiting.push({ line, resolve });
          void exited.then((e) =>
            reject(new Error(`the node exited (${e.code ?? e.signal}) before '${line}': ${e.stderr}`)),
          );
        });
  return { child, lines, exited, printed };
}

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

/** Every published (non-temporary) file under `dir`, read whole: [name, bytes]. */
function publishedFiles(dir: string): [string, Buffer][] {
  if (!existsSync(dir)) return [];
  const out: [string, Buffer][] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || isTempName(e.name)) continue;
    try {
      out.push([e.name, readFileSync(join(e.parentPath, e.name))]);
    } catch (err) {
      // Published files are never removed here; anything else is a failure worth seeing.
      throw new Error(`reading ${e.name}: ${(err as Error).message}`);
    }
  }
  return out;
}

describe("files shared by several nodes", () => {
  it("two nodes storing the same and different audio at once: no clash, and a reader never sees part of a file", async () => {
    const root = scratchDir("parley-shared");
    const shared = join(root, "files", "audio");
    const count = 24;
    mkdirSync(join(root, "a"));
    mkdirSync(join(root, "b"));
    const nodes = [
      startNode(["audio", shared, join(root, "a"), "node-a", String(count)]),
      startNode(["audio", shared, join(root, "b"), "node-b", String(count)]),
    ];
    // Read everything published, over and over, while both nodes write.
    let reads = 0;
    let running = true;
    const exits = Promise.all(nodes.map((n) => n.exited)).finally(() => (running = false));
    while (running) {
      for (const [name, bytes] of publishedFiles(shared)) {
        expect(sha256(bytes), `${name} read whole`).toBe(name.replace(/\.bin$/, ""));
        reads++;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const e of await exits) expect(e.code, e.stderr).toBe(0);
    expect(reads).toBeGreaterThan(0);

    const written = nodes.map((n) => n.lines.map((l) => JSON.parse(l) as { i: number; sha256: string; path: string }));
    expect(written.map((w) => w.length)).toEqual([count, count]);
    // Even blobs: the same bytes on both nodes, one file. Odd ones: each node's own.
    for (let i = 0; i < count; i++) {
      const [a, b] = [written[0]![i]!, written[1]![i]!];
      if (i % 2 === 0) expect(a.path).toBe(b.path);
      else expect(a.path).not.toBe(b.path);
    }
    const files = publishedFiles(shared);
    expect(files).toHaveLength(count / 2 + count);
    for (const [name, bytes] of files) expect(sha256(bytes)).toBe(name.replace(/\.bin$/, ""));
    const leftovers = readdirSync(shared, { recursive: true }).filter((n) => isTempName(String(n)));
    expect(leftovers).toEqual([]);
  }, 120_000);

  it("recordings of calls with the same per-node id on two nodes do not overwrite each other", async () => {
    const dir = join(scratchDir("parley-shared"), "recordings");
    const nodes = [startNode(["record", dir, "7", "1111", "3000"]), startNode(["record", dir, "7", "2222", "3000"])];
    for (const n of nodes) expect((await n.exited).code).toBe(0);
    const paths = nodes.map((n) => n.lines[0]!);
    expect(new Set(paths).size).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(paths.map((p) => p.slice(dir.length + 1)).sort());
    for (const [k, value] of [1111, 2222].entries()) {
      const path = paths[k]!;
      expect(path).toMatch(/\/call-7-[0-9a-f-]{36}\.wav$/);
      await checkWavFile(path);
      const bytes = readFileSync(path);
      const h = readWavHeader(bytes);
      expect(h.declaredDataBytes).toBe(3000 * 160 * 4);
      // Caller (left) samples are this node's value throughout.
      expect(bytes.readInt16LE(h.dataOffset)).toBe(value);
      expect(bytes.readInt16LE(bytes.length - 4)).toBe(value);
    }
  }, 120_000);

  it("a node killed in the middle of a recording leaves no file under the final name; its temporary file is swept once stale", async () => {
    const dir = join(scratchDir("parley-shared"), "recordings");
    const node = startNode(["record-forever", dir, "3"]);
    await node.printed("recording");
    node.child.kill("SIGKILL");
    expect((await node.exited).signal).toBe("SIGKILL");
    const names = readdirSync(dir);
    expect(names).toHaveLength(1);
    expect(isTempName(names[0]!)).toBe(true);
    expect(names[0]).toMatch(/^call-3-[0-9a-f-]{36}\.wav\.tmp-/);
    // A reader (the API) never takes the temporary file for a recording.
    await expect(checkWavFile(join(dir, names[0]!.replace(/\.tmp-.*$/, "")))).rejects.toMatchObject({
      code: "file_missing",
    });
    // Fresh, it may belong to a node still recording: kept. Stale: removed by any node's sweep.
    expect(await sweepTempFiles(dir, Date.now())).toBe(0);
    expect(await sweepTempFiles(dir, Date.now() + STALE_TEMP_MS + 1000)).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  }, 120_000);
});
