import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeCommand } from "../../../src/cli/commands/store.js";
import type { CliContext } from "../../../src/cli/types.js";
import { validate } from "../../../src/config/index.js";
import { createSqliteJobQueue } from "../../../src/jobs/index.js";
import { outboundRepos } from "../../../src/notify/context.js";
import { AudioStore } from "../../../src/store/audio-store.js";
import { SHARED_TABLES } from "../../../src/store/copy-to-postgres.js";
import { openDatabase } from "../../../src/store/index.js";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import type { NewNotification } from "../../../src/store/repos/notifications-repo.js";
import { SearchRepo } from "../../../src/store/repos/search-repo.js";
import { VoicemailsRepo } from "../../../src/store/repos/voicemails-repo.js";
import { EventsRepo } from "../../../src/store/repos/events-repo.js";
import { IntakeFilesRepo } from "../../../src/store/repos/intake-files-repo.js";
import { KnowledgeDocumentsRepo } from "../../../src/store/repos/knowledge-documents-repo.js";
import { SurveyResultsRepo } from "../../../src/store/repos/survey-results-repo.js";
import { createPostgresSql, SqliteSql, type SqlStore } from "../../../src/store/sql/index.js";
import { postgresUnavailable, queryIn, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";

const skip = await postgresUnavailable();

const recipient = (campaignId: number | null, row: number, over: Partial<NewNotification> = {}): NewNotification => ({
  campaignId,
  rowNo: row,
  to: `+4420712345${String(row).padStart(2, "0")}`,
  agent: "receptionist",
  templateId: null,
  text: "Hello {name}",
  variables: { name: `N${row}` },
  menu: null,
  disclosure: null,
  window: null,
  timeZone: "Europe/London",
  amd: false,
  status: "pending",
  nextAttemptAt: null,
  idempotencyKey: null,
  ...over,
});

/** A node's history in every table the copy carries beyond keys and agents (those: copy-to-postgres.test.ts). */
async function fill(sql: SqlStore, data: string): Promise<void> {
  const r = outboundRepos(sql);
  const gone = await r.templates.insert({ name: "gone", text: "x", variables: [], description: "" }, 1000);
  const t = await r.templates.insert(
    { name: "reminder", text: "Hello {name}", variables: ["name"], description: "d" },
    1100,
  );
  await r.templates.remove(gone.id); // ids must be kept, not renumbered
  const c = await r.campaigns.insert(
    {
      name: "Recall",
      templateId: t.id,
      text: "Hello {name}",
      variables: ["name"],
      agent: "receptionist",
      window: { timeZone: "Europe/London", start: "09:00", end: "17:00" },
      callsPerSecond: 2.5,
      maxConcurrent: 3,
      disclosure: "a recorded call",
      menu: { prompt: "Press 1", options: { "1": "confirm" } } as never,
      amd: true,
    },
    1200,
  );
  await r.campaigns.setStatus(c.id, "paused", 1300, true);
  await r.rejectedRows.insertMany(c.id, [{ row: 3, to: null, reason: "no number" }], 1200);
  const ids = await r.notifications.insertMany([recipient(c.id, 1), recipient(c.id, 2, { templateId: t.id })], 1200);
  await r.notifications.insert(recipient(null, 9, { status: "scheduled", idempotencyKey: "k1" }), 1400);
  const attempt = await r.attempts.start({
    number: "+442071234501",
    kind: "notification",
    notificationId: ids[0]!,
    jobId: 7,
    attempt: 1,
    dialed: true,
    startedAt: 1500,
  });
  await r.attempts.finish(attempt.id, {
    outcome: "delivered_human",
    choice: "1",
    digits: "1",
    amd: { verdict: "human", greetingMs: 900, reason: "short greeting" },
    callId: 1,
    durationMs: 15000,
    nextAttemptAt: null,
    error: null,
  });
  await r.notifications.update(ids[0]!, { status: "completed", outcome: "delivered_human", attempts: 1 }, 1600);

  // A voicemail with its recording in the node's own audio folder, processed.
  const audio = new AudioStore(sql, join(data, "audio"));
  const vms = new VoicemailsRepo(sql);
  const bytes = new Uint8Array(64).fill(7);
  const sha = AudioStore.hash(bytes);
  const path = await audio.writeFile(sha, bytes, "wav");
  const vm = await sql.transaction(async (tx) => {
    await audio.record(
      { sha256: sha, path, bytes: 64, contentType: "audio/wav", durationMs: 1000, createdAt: 1700 },
      tx,
    );
    return vms.insert(
      {
        audioSha256: sha,
        agent: "receptionist",
        kind: "voicemail",
        mailbox: "100",
        caller: "+15550100",
        receivedAt: 1700,
        durationMs: 1000,
        now: 1700,
      },
      tx,
    );
  });
  await vms.saveResults(
    vm.id,
    {
      status: "processed",
      speechMs: 900,
      transcript: "please call me back about the boiler",
      summary: "Boiler broken",
      callerName: "Ana",
      callbackNumber: "+15550199",
      category: "maintenance",
      tags: ["boiler", "heating"],
      urgency: 4,
      urgencyReason: "no heating",
      sentiment: "worried",
      action: "call back",
      form: null,
      extraction: { raw: "{}" },
      routing: { actions: [] },
    },
    1800,
  );
  await vms.setCallback(vm.id, { jobId: 40, requestedAt: 1800, at: 9000, delay: null });

  // Two calls: one with turns, a recording and a summary, linked to the voicemail; one with a summary only.
  const calls = new CallsRepo(sql);
  const call = await calls.start({
    sipCallId: "abc@pbx",
    direction: "inbound",
    fromUri: "sip:+15550100@pbx",
    toUri: "sip:100@parley",
    remoteNumber: "+15550100",
    agent: "receptionist",
    startedAt: 2000,
    context: { campaignId: c.id },
  });
  await calls.answered(call.id, 2100);
  await calls.turn(call.id, { index: 0, role: "agent", text: "Hello, how can I help", at: 2200, source: "greeting" });
  await calls.turn(call.id, {
    index: 1,
    role: "user",
    text: "my radiator leaks",
    at: 2300,
    source: "speech",
    interrupted: true,
    toolCalls: [{ name: "lookup", arguments: {}, result: 1 }],
    timing: { endpointMs: 1, asrFinalMs: 2, llmFirstTokenMs: 3, ttsFirstAudioMs: 4, firstRtpMs: 880 },
  });
  await calls.turn(call.id, {
    index: 2,
    role: "agent",
    text: "Sorry?",
    at: 2400,
    failed: true,
    failure: { stage: "llm", message: "x" },
  });
  mkdirSync(join(data, "recordings"), { recursive: true });
  const recording = join(data, "recordings", "call-1.wav");
  writeFileSync(recording, bytes);
  await calls.end(call.id, {
    endedAt: 3000,
    outcome: "caller-hangup",
    recordingPath: recording,
    rtpStats: { lost: 0 },
  });
  await calls.setSummary(call.id, { summary: "plumbing visit", urgency: 3, tags: ["plumbing"] });
  await calls.linkVoicemail(call.id, vm.id);
  const quiet = await calls.start({
    sipCallId: "def@pbx",
    direction: "outbound",
    fromUri: "sip:parley@trunk",
    toUri: "sip:+442071234501@trunk",
    remoteNumber: "+442071234501",
    agent: "receptionist",
    startedAt: 4000,
  });
  await calls.end(quiet.id, { endedAt: 4100, outcome: "no-answer", recordingPath: null, rtpStats: null });
  await calls.setSummary(quiet.id, { summary: "unreachable tenant", category: "outbound" });
  await r.callbacks.insert(
    {
      rootJobId: 40,
      to: "+15550199",
      agent: "receptionist",
      reason: "asked",
      source: "voicemail",
      callId: call.id,
      voicemailId: vm.id,
      notificationId: null,
      payload: { to: "+15550199", agent: "receptionist" },
      runAt: 9000,
    },
    1900,
  );
  // The event log (ids kept: a survey answer names its event), a knowledge base with vectors, a spool's record.
  const events = new EventsRepo(sql);
  await events.insert("voicemail.received", `voicemail:${vm.id}`, { id: vm.id }, 2000);
  const said = await events.insert("survey.response", `call:${call.id}`, { survey: "nps", rating: 9 }, 2100);
  await new SurveyResultsRepo(sql).record({
    survey: "nps",
    agent: "receptionist",
    callId: call.id,
    rating: 9,
    comment: "quick",
    channel: "call",
    eventId: said.id,
    at: 2100,
  });
  await new KnowledgeDocumentsRepo(sql).replace(
    {
      agent: "receptionist",
      name: "hours.md",
      format: "markdown",
      sha256: "a".repeat(64),
      bytes: 40,
      chars: 40,
      chunks: [
        { position: 0, heading: "Hours", text: "We open at nine." },
        { position: 1, heading: "Hours > Weekend", text: "Closed on Sundays." },
      ],
      vectors: { model: "embed", dims: 2, vectors: [Float32Array.of(1, 0), Float32Array.of(0.5, 0.5)] },
    },
    2200,
  );
  const intake = new IntakeFilesRepo(sql);
  await intake.baseline("/spool", 1500, 1500);
  await intake.record({
    sha256: "b".repeat(64),
    folder: "/spool",
    path: "/spool/msg1.wav",
    size: 1234,
    mtimeMs: 1600,
    status: "handed",
    error: null,
    takenAt: 1700,
  });
}

/** Everything the copied tables hold, as the repositories read it (the same calls on either engine). */
async function snapshot(sql: SqlStore) {
  const r = outboundRepos(sql);
  const calls = new CallsRepo(sql);
  const vms = new VoicemailsRepo(sql);
  const audio = new AudioStore(sql, "/unused");
  const campaigns = await r.campaigns.list({ limit: 100 });
  const notifications = await r.notifications.list({ limit: 100 });
  const voicemails = await vms.list({ sort: "newest", limit: 100 });
  const callList = await calls.list({ limit: 100 });
  const knowledge = new KnowledgeDocumentsRepo(sql);
  const intake = new IntakeFilesRepo(sql);
  return {
    templates: await r.templates.list({ limit: 100 }),
    campaigns,
    recipients: await Promise.all(campaigns.map((c) => r.recipients.page(c.id, 0, 100))),
    rejected: await Promise.all(campaigns.map((c) => r.rejectedRows.page(c.id, 0, 100))),
    notifications,
    attempts: await Promise.all(notifications.map((n) => r.attempts.forNotification(n.id))),
    callbacks: await r.callbacks.list({ limit: 100 }),
    voicemails,
    blobs: await Promise.all(voicemails.map((v) => audio.get(v.audioSha256))),
    calls: callList,
    turns: await Promise.all(callList.map((c) => calls.turns(c.id))),
    events: await new EventsRepo(sql).since(0),
    survey: await new SurveyResultsRepo(sql).responses("nps", 0, 100),
    documents: await knowledge.list("receptionist"),
    chunks: await Promise.all((await knowledge.list("receptionist")).map(async (d) => knowledge.chunks(d.id))),
    vectors: await sql.all("SELECT chunk_id, model, dims, vector FROM knowledge_vectors ORDER BY chunk_id"),
    intake: { files: await intake.known("/spool"), baseline: await intake.storedBaseline("/spool") },
  };
}

/**
 * `parley store copy-to-postgres` with a history: a real node's SQLite file with rows in every table the copy
 * carries (templates, campaigns, recipients, rejected rows, notifications, attempts, callbacks, recordings,
 * voicemails, calls and turns), into a scratch schema, read back through the repositories on PostgreSQL.
 */
describe.skipIf(skip)(`copy-to-postgres with a node's history${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const dir = mkdtempSync(join(tmpdir(), "parley-copy-history-"));
  const data = join(dir, "data");
  const shared = join(dir, "shared");
  const schema = scratchSchema();
  const config = join(dir, "parley.yaml");
  let before: Awaited<ReturnType<typeof snapshot>>;
  let pg: SqlStore;

  const run = async (...args: string[]) => {
    const stdout = new PassThrough();
    const ctx: CliContext = {
      stdout,
      stderr: new PassThrough(),
      env: {},
      cwd: dir,
      signal: new AbortController().signal,
    };
    const code = await storeCommand
      .run([...args, "--config", config, "--data-dir", data], ctx)
      .catch((err: Error & { exitCode?: number }) => ({ error: err.message, exitCode: err.exitCode }));
    return { code, out: String(stdout.read() ?? "") };
  };
  const rows = async (table: string) =>
    Number((await queryIn<{ n: string }>(schema.schema, `SELECT count(*) AS n FROM ${table}`))[0]?.n);

  beforeAll(async () => {
    // The nodes will share `shared` (files.dir); the node kept its recordings in its data dir until now.
    writeFileSync(config, `store:\n  url: ${testPostgresUrl}\n  schema: ${schema.schema}\nfiles:\n  dir: ${shared}\n`);
    const db = openDatabase(join(data, "parley.db"));
    const sql = new SqliteSql(db);
    try {
      await fill(sql, data);
      before = await snapshot(sql);
      // Work still waiting in the node's own queue.
      await createSqliteJobQueue(db, validate({}).jobs).enqueue({ kind: "noop", payload: {}, runAt: 10_000_000 });
    } finally {
      db.close();
    }
    pg = createPostgresSql({ url: testPostgresUrl, schema: schema.schema, poolSize: 2 });
  }, 180_000);

  afterAll(async () => {
    await pg?.close();
    await schema.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a node whose queue still holds work, names it, and copies nothing", async () => {
    const r = await run("copy-to-postgres");
    expect(r.code).toMatchObject({ exitCode: 1, error: expect.stringContaining("unfinished jobs (noop 1)") });
    for (const { table } of SHARED_TABLES) expect(await rows(table), table).toBe(0);
  });

  it("with --leave-jobs copies every row with its id, moves the recordings' paths into files.dir, and says which files are not there yet", async () => {
    // The operator moved the voicemails' folder into files.dir, not yet the calls' recordings.
    mkdirSync(shared, { recursive: true });
    renameSync(join(data, "audio"), join(shared, "audio"));
    const r = await run("copy-to-postgres", "--leave-jobs", "--json");
    expect(r.code, JSON.stringify(r)).toBe(0);
    const summary = JSON.parse(r.out) as Record<string, unknown>;
    expect(summary).toMatchObject({ pathsMoved: 2, recordingsMissing: 1, jobsLeft: { noop: 1 } });
    expect(summary["tables"]).toMatchObject({
      notify_templates: 1,
      campaigns: 1,
      campaign_rejected_rows: 1,
      notifications: 3,
      outbound_attempts: 1,
      callbacks: 1,
      audio_blobs: 1,
      voicemails: 1,
      calls: 2,
      call_turns: 3,
      events: 2,
      survey_responses: 1,
      knowledge_documents: 1,
      knowledge_chunks: 2,
      knowledge_vectors: 2,
      intake_folders: 1,
      intake_files: 1,
    });
    // What a node on the store reads: the same records, the recordings' paths now in files.dir.
    const moved = (p: string | null) => p && p.replace(`${data}/`, `${shared}/`);
    const expected = {
      ...before,
      blobs: before.blobs.map((b) => b && { ...b, path: moved(b.path) }),
      calls: before.calls.map((c) => ({ ...c, recordingPath: moved(c.recordingPath) })),
    };
    expect(await snapshot(pg)).toEqual(expected);
    expect(before.templates[0]!.id).toBe(2);
    const blob = (await snapshot(pg)).blobs[0]!;
    expect(existsSync(blob.path)).toBe(true);
  });

  it("builds the search documents on PostgreSQL: a call by its turns and by its summary, a voicemail by its words", async () => {
    const search = new SearchRepo(pg);
    const ids = async (q: string, kind: "call" | "voicemail") =>
      (await search.search(q, { kind, limit: 10, offset: 0 })).map((h) => h.id);
    const [newest, oldest] = before.calls;
    expect(await ids("radiator", "call")).toEqual([oldest!.id]);
    expect(await ids("plumbing", "call")).toEqual([oldest!.id]);
    // A call with a summary and no turns: its document comes from the summary alone.
    expect(await ids("unreachable", "call")).toEqual([newest!.id]);
    expect(await ids("boiler", "voicemail")).toEqual([before.voicemails[0]!.id]);
    // A turn added later still updates its call's document (the trigger is on again).
    await new CallsRepo(pg).turn(newest!.id, { index: 0, role: "agent", text: "a voicemail greeting", at: 4050 });
    expect(await ids("greeting", "call")).toEqual([newest!.id]);
  });

  it("continues each id sequence after the copied ids", async () => {
    const r = outboundRepos(pg);
    const t = await r.templates.insert({ name: "next", text: "x", variables: [], description: "" }, 5000);
    expect(t.id).toBe(3);
    const n = await r.notifications.insert(recipient(null, 10), 5000);
    expect(n.id).toBe(Math.max(...before.notifications.map((x) => x.id)) + 1);
    const call = await new CallsRepo(pg).start({
      sipCallId: "next@pbx",
      direction: "inbound",
      fromUri: "sip:a@b",
      toUri: "sip:c@d",
      remoteNumber: null,
      agent: "receptionist",
      startedAt: 6000,
    });
    expect(call.id).toBe(Math.max(...before.calls.map((x) => x.id)) + 1);
  });

  it("a second run is refused and adds nothing", async () => {
    const counts = await Promise.all(SHARED_TABLES.map((t) => rows(t.table)));
    const again = await run("copy-to-postgres", "--leave-jobs");
    expect(again.code).toMatchObject({ exitCode: 1, error: expect.stringContaining("already has rows in") });
    expect(await Promise.all(SHARED_TABLES.map((t) => rows(t.table)))).toEqual(counts);
  });
});
