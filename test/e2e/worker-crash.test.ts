import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullModels } from "../helpers/parley-setup.js";
import { createApp } from "../../src/api/app.js";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { createMetricsRegistry } from "../../src/lib/metrics.js";
import { verifySignature } from "../../src/lib/signature.js";
import { createInfrastructure, openStores, type Infrastructure } from "../../src/app/infrastructure.js";
import { createFeatures } from "../../src/app/features.js";
import { waitFor } from "../integration/jobs/helpers.js";
import { runParley } from "../helpers/parley-process.js";
import { spawnParleyWorker, type SpawnedWorker } from "../helpers/parley-worker.js";
import { repoRoot } from "../helpers/paths.js";
import { fliteMissing, speechWavBytes, VOICEMAIL_URGENT } from "../helpers/speech.js";

// Short leases so a dead worker's job comes back in seconds; the worker processes read the same file.
const JOBS = { leaseMs: 3000, heartbeatMs: 500, pollIntervalMs: 100, shutdownGraceMs: 1000 };

interface Arrival {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** True when the client went away before an answer (its worker was killed). */
  abandoned: boolean;
}

/** A webhook receiver on 127.0.0.1 that holds its answer to the first request (the worker dies meanwhile) and answers 200 after. */
async function holdingReceiver(clock: () => number) {
  const arrivals: Arrival[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const arrival: Arrival = {
        at: clock(),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        abandoned: false,
      };
      arrivals.push(arrival);
      if (arrivals.length === 1) {
        held.push(res);
        res.on("close", () => (arrival.abandoned = !res.writableEnded));
        return;
      }
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/on-call`,
    arrivals,
    close: async () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * kill -9 of `parley worker` processes in the middle of jobs: once while a
 * voicemail is being processed, once while its webhook is in flight. The
 * API runs in this process on the same data dir (jobs.runInServe off, in
 * effect); the workers are the built CLI.
 */
describe.skipIf(fliteMissing)("kill -9 of parley worker mid-job (real processes)", () => {
  const t0 = performance.now();
  const clock = () => Math.round(performance.now() - t0);
  const timeline: string[] = [];
  const mark = (what: string) => timeline.push(`${(clock() / 1000).toFixed(2).padStart(6)} s  ${what}`);
  const workers: SpawnedWorker[] = [];
  let dir: string;
  let configFile: string;
  let services: Infrastructure;
  let app: Hono;
  let key: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-crash-"));
    await pullModels(["--data-dir", dir]);
    configFile = join(dir, "parley.yaml");
    writeFileSync(
      configFile,
      [
        `dataDir: ${JSON.stringify(dir)}`,
        "profile: tiny",
        "log: { level: info }",
        `agents: { dir: ${JSON.stringify(join(repoRoot, "agents"))} }`,
        "engines: { llm: { threads: 1 } }",
        `jobs: ${JSON.stringify(JOBS)}`,
        "webhooks: { timeoutMs: 30000, maxAttempts: 5, allowHosts: [127.0.0.1] }",
        "voicemail: { ffmpeg: 'off' }",
        "",
      ].join("\n"),
    );
    const keys = await runParley(["keys", "create", "--name", "crash-test", "--json", "--config", configFile]);
    expect(keys.code, keys.stderr).toBe(0);
    key = (JSON.parse(keys.stdout) as { key: string }).key;
    const { config } = loadConfig({ file: configFile, env: {}, cwd: dir });
    services = createInfrastructure({
      config,
      logger: silentLogger(),
      registry: createMetricsRegistry(),
      models: { profile: "tiny", refs: {}, missing: [] },
    });
    await openStores(services);
    app = createApp({
      deps: { ...services, ...createFeatures(services) },
      version: "test",
      readiness: { ready: () => true, details: () => ({}) },
    });
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill9()));
    await services?.queue.close();
    await services?.sql.close();
    services?.db.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${key}`);
    return Promise.resolve(app.request(path, { ...init, headers }));
  };
  const row = <T>(sql: string, ...params: unknown[]) => services.db.prepare(sql).get(...params) as T;
  const all = <T>(sql: string, ...params: unknown[]) => services.db.prepare(sql).all(...params) as T[];
  const trail = (job: number) =>
    all<{ type: string; attempt: number; worker_id: string | null; at: number }>(
      "SELECT type, attempt, worker_id, at FROM job_events WHERE job_id = ? ORDER BY id",
      job,
    );
  const start = async (name: string) => {
    const w = await spawnParleyWorker(["--config", configFile]);
    workers.push(w);
    mark(`worker ${name} (pid ${w.pid}) started`);
    return w;
  };

  it("completes the job after the lease expires, processes the message once, and delivers the webhook with one Idempotency-Key", async () => {
    const rx = await holdingReceiver(clock);
    try {
      const hook = await api("/v1/webhooks", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "on-call", url: rx.url, events: ["voicemail.urgent"] }),
      });
      expect(hook.status).toBe(201);
      const { id: endpointId, secret } = (await hook.json()) as { id: number; secret: string };
      const audio = speechWavBytes(VOICEMAIL_URGENT);
      const form = new FormData();
      form.set("audio", new Blob([audio], { type: "audio/wav" }), "urgent.wav");
      form.set("mailbox", "100");
      const uploaded = await api("/v1/voicemails", { method: "POST", body: form });
      expect(uploaded.status).toBe(201);
      const { voicemail } = (await uploaded.json()) as { voicemail: { id: number; jobId: number } };
      const { id, jobId } = voicemail;
      mark(`voicemail ${id} uploaded through the API; job ${jobId} queued`);

      // 1. Kill a worker while it processes the message (it claims the job and waits for its engines to load).
      const a = await start("A");
      await waitFor(
        () =>
          row<{ status: string } | undefined>("SELECT status FROM voicemails WHERE id = ?", id)?.status ===
          "processing",
        "worker A to start processing",
        30_000,
        20,
      );
      mark(`worker A claimed job ${jobId}: voicemail ${id} is processing`);
      await a.kill9();
      mark("worker A killed with SIGKILL");
      expect(row<{ status: string }>("SELECT status FROM voicemails WHERE id = ?", id).status).toBe("processing");
      expect(
        row<{ status: string; locked_by: string }>("SELECT status, locked_by FROM jobs WHERE id = ?", jobId),
      ).toMatchObject({ status: "running", locked_by: expect.stringContaining(`:${a.pid}:`) });

      // 2. A second worker takes the job once A's lease has run out, processes it, and the webhook starts.
      const b = await start("B");
      await waitFor(() => rx.arrivals.length >= 1, "the first webhook attempt", 60_000, 20);
      mark(
        `webhook attempt 1 arrived at the receiver (held, no answer); voicemail ${id} is ${row<{ status: string }>("SELECT status FROM voicemails WHERE id = ?", id).status}`,
      );
      await b.kill9();
      mark("worker B killed with SIGKILL while the webhook was in flight");

      // 3. A third worker re-sends it after B's lease on the delivery expires.
      const c = await start("C");
      await waitFor(
        () => row<{ status: string }>("SELECT status FROM jobs WHERE kind = 'webhook.deliver'")?.status === "succeeded",
        "the webhook to be delivered",
        60_000,
        20,
      );
      mark(
        `webhook attempt 2 arrived at ${(rx.arrivals[1]?.at ?? 0) / 1000} s and was answered 200; delivery job succeeded`,
      );
      const exit = await c.stop(60_000); // a loaded 2-core box can take longer than the default 15 s to drain
      mark(`worker C stopped with SIGTERM (exit ${exit.code})`);
      expect(exit).toEqual({ code: 0, signal: null });

      // The message: its results saved once. The job succeeded on B (attempt 2), or, when B died after
      // saving the results but before marking its job done, on C, whose run finds the results and only
      // completes the routing. (On a starved machine a worker can also miss its own heartbeat and run the
      // job again itself: more attempts, still one set of results.)
      expect(
        row<{ status: string; urgency: number }>("SELECT status, urgency FROM voicemails WHERE id = ?", id),
      ).toEqual({ status: "escalated", urgency: 5 });
      const vmTrail = trail(jobId);
      const vmJob = row<{ status: string; attempts: number; result: string }>(
        "SELECT status, attempts, result FROM jobs WHERE id = ?",
        jobId,
      );
      mark(`voicemail.process job ${jobId}: ${vmJob.status} after ${vmJob.attempts} attempts, result ${vmJob.result}`);
      expect(vmJob.status).toBe("succeeded");
      expect(vmTrail.slice(0, 4).map((e) => [e.type, e.attempt])).toEqual([
        ["enqueued", 0],
        ["claimed", 1],
        ["lease_expired", 1],
        ["claimed", 2],
      ]);
      expect(vmTrail[1]?.worker_id).toContain(`:${a.pid}:`);
      expect(vmTrail[3]?.worker_id).toContain(`:${b.pid}:`);
      expect(vmTrail.at(-1)?.type).toBe("succeeded");
      expect(JSON.parse(vmJob.result)).toMatchObject({ voicemailId: id, status: "escalated", urgency: 5 });
      const count = (type: string) =>
        row<{ n: number }>("SELECT count(*) AS n FROM events WHERE type = ? AND subject = ?", type, `voicemail:${id}`)
          .n;
      expect([
        count("voicemail.received"),
        count("voicemail.processed"),
        count("voicemail.urgent"),
        count("callback.scheduled"),
      ]).toEqual([1, 1, 1, 1]);
      // The routing rule's callback, queued once (placing it needs SIP, which `parley worker` does not run).
      expect(
        all("SELECT id FROM jobs WHERE kind = 'callback.place' AND idempotency_key = ?", `voicemail-${id}-callback`),
      ).toHaveLength(1);

      // The webhook: one delivery job, two attempts, the same Idempotency-Key and delivery id each time.
      const [delivery] = all<{ id: number; attempts: number; idempotency_key: string }>(
        "SELECT id, attempts, idempotency_key FROM jobs WHERE kind = 'webhook.deliver'",
      );
      expect(all("SELECT id FROM jobs WHERE kind = 'webhook.deliver'")).toHaveLength(1);
      const urgentEvent = row<{ id: number }>(
        "SELECT id FROM events WHERE type = 'voicemail.urgent' AND subject = ?",
        `voicemail:${id}`,
      );
      expect(delivery).toMatchObject({
        attempts: 2,
        idempotency_key: `event-${urgentEvent.id}-endpoint-${endpointId}`,
      });
      const deliveryTrail = trail(delivery?.id ?? 0);
      expect(deliveryTrail.map((e) => [e.type, e.attempt])).toEqual([
        ["enqueued", 0],
        ["claimed", 1],
        ["lease_expired", 1],
        ["claimed", 2],
        ["succeeded", 2],
      ]);
      expect(deliveryTrail[1]?.worker_id).toContain(`:${b.pid}:`);
      expect(deliveryTrail[3]?.worker_id).toContain(`:${c.pid}:`);
      expect(rx.arrivals).toHaveLength(2);
      expect(rx.arrivals[0]?.abandoned).toBe(true);
      for (const arrival of rx.arrivals) {
        expect(arrival.headers["idempotency-key"]).toBe(delivery?.idempotency_key);
        expect(arrival.headers["parley-delivery"]).toBe(String(delivery?.id));
        expect(arrival.body).toBe(rx.arrivals[0]?.body);
        expect(
          verifySignature(
            arrival.headers["parley-signature"] as string,
            secret,
            arrival.body,
            Math.floor(Date.now() / 1000),
          ),
        ).toBe(true);
      }
      expect(JSON.parse(rx.arrivals[1]?.body ?? "")).toMatchObject({
        id: urgentEvent.id,
        type: "voicemail.urgent",
        data: { voicemailId: id, urgency: 5 },
      });
      // The attempt that died never got an answer, so the log holds the one that did.
      expect(all("SELECT attempt, status_code FROM webhook_deliveries")).toEqual([{ attempt: 2, status_code: 200 }]);

      // Nothing lost: the row, the recording (on disk and through the API).
      const blob = await services.audio.get(
        row<{ sha: string }>("SELECT audio_sha256 AS sha FROM voicemails WHERE id = ?", id).sha,
      );
      expect(blob && existsSync(blob.path)).toBe(true);
      const download = await api(`/v1/voicemails/${id}/audio`);
      expect(Buffer.from(await download.arrayBuffer()).equals(audio)).toBe(true);
    } finally {
      await rx.close();
      for (const job of all<{ id: number; kind: string }>(
        "SELECT id, kind FROM jobs WHERE kind IN ('voicemail.process', 'webhook.deliver') ORDER BY id",
      )) {
        for (const e of trail(job.id))
          timeline.push(
            `          ${job.kind} job ${job.id}: ${e.type} (attempt ${e.attempt})${e.worker_id ? ` by ${e.worker_id}` : ""} at ${new Date(e.at).toISOString()}`,
          );
      }
      console.log(`worker crash timeline (seconds since the test started):\n${timeline.join("\n")}`);
    }
  }, 150_000);
});
