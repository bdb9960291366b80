import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../../src/audio/index.js";
import { runParley } from "../helpers/parley-process.js";
import { repoRoot } from "../helpers/paths.js";

/**
 * Issue 10, item 16, on a disk that really fills: `parley serve` runs in its
 * own mount namespace (`unshare -Urm`, no root needed where user namespaces
 * are allowed) with its data dir on a 3 MB tmpfs. Uploads fill it until the
 * kernel says ENOSPC. Skipped, saying why, where such a namespace cannot be made.
 */
const TMPFS = "3m";
const LEFTOVER = "audio/ab/ab00.wav.tmp-0123456789ab";

function namespacesWork(): string | null {
  const probe = spawnSync(
    "unshare",
    ["-Urm", "sh", "-c", 'd=$(mktemp -d) && mount -t tmpfs -o size=1m t "$d" && umount "$d" && rmdir "$d"'],
    { encoding: "utf8" },
  );
  return probe.status === 0
    ? null
    : `cannot mount a tmpfs in a user namespace here (${(probe.stderr || probe.error?.message || "").trim()})`;
}
const skipReason = namespacesWork();

/** A WAV of noise: every upload is different content (no de-duplication), of about `bytes` bytes. */
function noiseWav(bytes: number): Uint8Array {
  const pcm = new Int16Array(Math.floor(bytes / 2));
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.floor((Math.random() - 0.5) * 2000);
  return encodeWav({ channels: [pcm], sampleRate: 8000 });
}

describe.skipIf(skipReason !== null)(
  `a full disk under parley serve${skipReason ? ` (skipped: ${skipReason})` : ""}`,
  () => {
    let dir: string;
    let wrapper: ChildProcess;
    let stdout = "";
    let stderr = "";
    let base: string;
    let key: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "parley-disk-full-"));
      const data = join(dir, "data");
      mkdirSync(data);
      // Models live outside the small disk; the worker is off so nothing but our requests writes.
      writeFileSync(
        join(dir, "parley.yaml"),
        [
          `agents: { dir: ${join(repoRoot, "agents")} }`,
          `models: { dir: ${join(dir, "models")} }`,
          "jobs: { runInServe: false }",
          "log: { level: warn }",
        ].join("\n"),
      );
      const common = ["--config", join(dir, "parley.yaml"), "--data-dir", data];
      const pulled = await runParley(["models", "pull", "tiny", ...common]);
      if (pulled.code !== 0) throw new Error(`models pull failed: ${pulled.stderr}`);
      const bin = join(repoRoot, "bin", "parley.js");
      // Inside the namespace: mount the small disk, leave a stale temporary file as a crash would, make a key, serve.
      const script = [
        "set -e",
        `mount -t tmpfs -o size=${TMPFS} parley-full "$DATA"`,
        `mkdir -p "$DATA/audio/ab" && printf half-written > "$DATA/${LEFTOVER}" && touch -d '2 hours ago' "$DATA/${LEFTOVER}"`,
        `"$NODE" "$BIN" keys create --json $COMMON`,
        `"$NODE" "$BIN" serve --profile tiny --no-sip --http 127.0.0.1:0 $COMMON & pid=$!`,
        "trap 'kill -TERM $pid' TERM",
        // SIGUSR1: take every byte left, as another program filling the volume would.
        `trap 'dd if=/dev/zero of="$DATA/filler" bs=4096 2>/dev/null || true; echo FILLED' USR1`,
        "while kill -0 $pid 2>/dev/null; do wait $pid || true; done",
        'echo "--- temporary files:"',
        `find "$DATA" -name '*.tmp-*'`,
        'echo "--- end"',
      ].join("\n");
      // Its own process group, so cleanup reaches `parley serve` too, whatever state the test left the wrapper in.
      wrapper = spawn("unshare", ["-Urm", "bash", "-c", script], {
        env: { ...process.env, DATA: data, NODE: process.execPath, BIN: bin, COMMON: common.join(" ") },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      });
      wrapper.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      base = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 60_000);
        wrapper.stderr!.on("data", (d: Buffer) => {
          stderr += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(stderr);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        wrapper.once("exit", (code) => reject(new Error(`the namespace exited (${code}):\n${stderr}`)));
      });
      key = (JSON.parse(stdout.slice(stdout.indexOf("{"), stdout.indexOf("}") + 1)) as { key: string }).key;
    });
    afterAll(async () => {
      if (wrapper?.pid && wrapper.exitCode === null) {
        const exited = new Promise((r) => wrapper.once("exit", r));
        process.kill(-wrapper.pid, "SIGKILL");
        await exited;
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const upload = (bytes: Uint8Array) =>
      fetch(`${base}/v1/voicemails?mailbox=100`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "audio/wav" },
        body: bytes,
      });

    it("answers 507 with what to do once the disk is full, lets DELETE free space, and leaves no temporary files", async () => {
      const stored: number[] = [];
      let full: Response | null = null;
      for (let i = 0; i < 30 && !full; i++) {
        const res = await upload(noiseWav(400_000));
        if (res.status === 201) stored.push(((await res.json()) as { voicemail: { id: number } }).voicemail.id);
        else if (res.status === 507) full = res;
        else throw new Error(`upload ${i} answered ${res.status}: ${await res.text()}`);
      }
      expect(stored.length).toBeGreaterThan(0);
      expect(full).not.toBeNull();
      const body = (await full!.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("insufficient_storage");
      expect(body.error.message).toMatch(/disk is full \((ENOSPC|SQLITE_FULL)\): nothing was stored/);
      expect(body.error.message).toContain("DELETE /v1/voicemails/{id}");
      // Then not a byte is left: even the database cannot log a change.
      wrapper.kill("SIGUSR1");
      for (let i = 0; i < 100 && !stdout.includes("FILLED"); i++) await new Promise((r) => setTimeout(r, 100));
      expect(stdout).toContain("FILLED");
      expect((await upload(noiseWav(8000))).status).toBe(507);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);

      // Deleting is how space comes back, so it works on the full disk; then uploads do again.
      for (const id of stored.slice(0, 2)) {
        const del = await fetch(`${base}/v1/voicemails/${id}`, {
          method: "DELETE",
          headers: { authorization: `Bearer ${key}` },
        });
        expect(del.status, await del.clone().text()).toBe(204);
      }
      expect((await upload(noiseWav(300_000))).status).toBe(201);

      wrapper.kill("SIGTERM");
      await new Promise((r) => wrapper.once("exit", r));
      const listing = stdout.slice(stdout.indexOf("--- temporary files:"), stdout.indexOf("--- end"));
      expect(listing).toBe("--- temporary files:\n"); // none: neither the failed uploads' nor the one left before start
    });
  },
);
