import { afterEach, describe, expect, it } from "vitest";
import { AudioStore } from "../../../src/store/audio-store.js";
import { VoicemailStatsRepo } from "../../../src/store/repos/voicemail-stats-repo.js";
import { VoicemailsRepo, type VoicemailResults } from "../../../src/store/repos/voicemails-repo.js";
import { createPostgresSql, type SqlStore } from "../../../src/store/sql/index.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

let seq = 0;
/** A recording row and a message on it (no file: these tests read rows only). */
async function message(
  sql: SqlStore,
  o: { mailbox?: string | null; agent?: string; receivedAt?: number; kind?: "voicemail" | "form" } = {},
) {
  const sha = `${String(++seq).padStart(4, "0")}${"ab".repeat(30)}`;
  const audio = new AudioStore(sql, "/nonexistent");
  const vms = new VoicemailsRepo(sql);
  return sql.transaction(async (tx) => {
    await audio.record(
      {
        sha256: sha,
        path: `/nonexistent/${sha}.wav`,
        bytes: 44,
        contentType: "audio/wav",
        durationMs: 1000,
        createdAt: 1,
      },
      tx,
    );
    return vms.insert(
      {
        audioSha256: sha,
        agent: o.agent ?? "receptionist",
        kind: o.kind ?? "voicemail",
        mailbox: o.mailbox === undefined ? "100" : o.mailbox,
        caller: "+15550100",
        callerName: "From the PBX",
        receivedAt: o.receivedAt ?? 1000 + seq,
        durationMs: 1000,
        now: 5000,
      },
      tx,
    );
  });
}

const results = (r: Partial<VoicemailResults> = {}): VoicemailResults => ({
  status: "processed",
  speechMs: 900,
  transcript: "please call me back about the boiler",
  summary: "Boiler",
  callerName: null,
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
  ...r,
});

describe.each(await storeEngines())("voicemails on $label", ({ skip, open }) => {
  async function store(): Promise<SqlStore> {
    const s = await open();
    opened.push(s);
    return s.sql;
  }

  it.skipIf(skip)("stores a message queued, finds it by id and by its audio, and saves its results", async () => {
    const sql = await store();
    const repo = new VoicemailsRepo(sql);
    const vm = await message(sql);
    expect(vm).toMatchObject({ status: "queued", agent: "receptionist", mailbox: "100", callerName: "From the PBX" });
    expect(vm).toMatchObject({ tags: [], form: null, routing: null, source: "api", processedAt: null, callback: null });
    expect((await repo.byHash(vm.audioSha256))?.id).toBe(vm.id);
    expect(await repo.get(vm.id + 1000)).toBeNull();
    expect((await new AudioStore(sql, "/x").get(vm.audioSha256))?.bytes).toBe(44);

    await repo.setJob(vm.id, 77);
    await repo.markProcessing(vm.id, 6000);
    expect(await repo.get(vm.id)).toMatchObject({ status: "processing", jobId: 77, updatedAt: 6000 });
    await repo.saveResults(vm.id, results(), 7000);
    const done = await repo.get(vm.id);
    expect(done).toMatchObject({ status: "processed", urgency: 4, tags: ["boiler", "heating"], processedAt: 7000 });
    // The PBX's name stays when the message names nobody; JSON columns come back as values.
    expect(done).toMatchObject({ callerName: "From the PBX", extraction: { raw: "{}" }, routing: { actions: [] } });
    await repo.setCallback(vm.id, { jobId: 9, requestedAt: 1, at: 2, delay: "quiet day" });
    expect((await repo.get(vm.id))?.callback).toEqual({ jobId: 9, requestedAt: 1, at: 2, delay: "quiet day" });
    await repo.markFailed(vm.id, "asr died", 8000);
    expect(await repo.get(vm.id)).toMatchObject({ status: "failed", error: "asr died" });
  });

  it.skipIf(skip)("refuses a second message on the same recording and keeps the first", async () => {
    const sql = await store();
    const vm = await message(sql);
    const again = new VoicemailsRepo(sql).insert({
      audioSha256: vm.audioSha256,
      agent: "other",
      kind: "voicemail",
      mailbox: null,
      caller: null,
      receivedAt: 1,
      durationMs: 1,
      now: 1,
    });
    await expect(again).rejects.toThrow();
    expect((await new VoicemailsRepo(sql).byHash(vm.audioSha256))?.agent).toBe("receptionist");
  });

  it.skipIf(skip)("lists by filter, newest or most urgent first, a page at a time", async () => {
    const sql = await store();
    const repo = new VoicemailsRepo(sql);
    const a = await message(sql, { mailbox: "100" });
    const b = await message(sql, { mailbox: "200" });
    const c = await message(sql, { mailbox: "100", kind: "form" });
    await repo.saveResults(a.id, results({ urgency: 2, tags: ["invoice"] }), 1);
    await repo.saveResults(b.id, results({ urgency: 5, tags: ["boiler"] }), 1);
    const ids = async (f: Partial<Parameters<VoicemailsRepo["list"]>[0]>) =>
      (await repo.list({ sort: "newest", limit: 10, ...f })).map((v) => v.id);
    expect(await ids({})).toEqual([c.id, b.id, a.id]);
    expect(await ids({ sort: "urgency" })).toEqual([b.id, a.id, c.id]);
    expect(await ids({ sort: "urgency", after: { id: b.id, urgency: 5 } })).toEqual([a.id, c.id]);
    expect(await ids({ after: { id: c.id, urgency: 0 }, limit: 1 })).toEqual([b.id]);
    expect(await ids({ status: ["queued"] })).toEqual([c.id]);
    expect(await ids({ status: ["processed", "queued"], mailbox: "100" })).toEqual([c.id, a.id]);
    expect(await ids({ tag: "BOILER" })).toEqual([b.id]);
    expect(await ids({ minUrgency: 3 })).toEqual([b.id]);
    expect(await ids({ kind: "form" })).toEqual([c.id]);
    expect(await ids({ receivedFrom: b.receivedAt, receivedTo: c.receivedAt })).toEqual([b.id]);
    expect(await ids({ agent: "nobody" })).toEqual([]);
  });

  it.skipIf(skip)("counts a mailbox's lamp, the backlog, tags and mailboxes; deletes a message", async () => {
    const sql = await store();
    const repo = new VoicemailsRepo(sql);
    const stats = new VoicemailStatsRepo(sql);
    expect(await repo.mailboxCounts("100")).toEqual({ open: 0, handled: 0 });
    const a = await message(sql, { mailbox: "100" });
    const b = await message(sql, { mailbox: "100" });
    await message(sql, { mailbox: null });
    await repo.saveResults(a.id, results({ tags: ["boiler", "invoice"] }), 1);
    await repo.saveResults(b.id, results({ tags: ["boiler"], urgency: null }), 1);
    await repo.setStatus(b.id, "handled", 2);
    expect(await repo.mailboxCounts("100")).toEqual({ open: 1, handled: 1 });
    const counts = await stats.counts();
    expect(counts).toHaveLength(3);
    expect(counts).toEqual(
      expect.arrayContaining([
        { status: "processed", urgency: 4, count: 1 },
        { status: "handled", urgency: null, count: 1 },
        { status: "queued", urgency: null, count: 1 },
      ]),
    );
    expect(await stats.topTags()).toEqual(["boiler", "invoice"]);
    expect(await stats.mailboxes()).toEqual(["100"]);

    expect(await repo.usersOfAudio(a.audioSha256)).toBe(1);
    expect(await repo.delete(a.id)).toBe(true);
    expect(await repo.delete(a.id)).toBe(false);
    expect(await repo.usersOfAudio(a.audioSha256)).toBe(0);
    await new AudioStore(sql, "/x").forget(a.audioSha256);
    expect(await new AudioStore(sql, "/x").get(a.audioSha256)).toBeNull();
  });

  it.skipIf(skip)("a failed transaction stores neither the recording's row nor the message", async () => {
    const sql = await store();
    const audio = new AudioStore(sql, "/x");
    const sha = "f".repeat(64);
    const insert = sql.transaction(async (tx) => {
      await audio.record(
        { sha256: sha, path: "/x/f.wav", bytes: 1, contentType: "audio/wav", durationMs: 1, createdAt: 1 },
        tx,
      );
      await new VoicemailsRepo(sql).insert(
        {
          audioSha256: sha,
          agent: "a",
          kind: "bogus" as "form",
          mailbox: null,
          caller: null,
          receivedAt: 1,
          durationMs: 1,
          now: 1,
        },
        tx,
      );
    });
    await expect(insert).rejects.toThrow();
    expect(await audio.get(sha)).toBeNull();
  });
});

const pgSkip = await postgresUnavailable();

describe("voicemails shared by nodes (PostgreSQL)", () => {
  it.skipIf(pgSkip)("a message taken in on one node is read, processed and counted on another", async () => {
    const scratch = scratchSchema();
    const a = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 2 });
    const b = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 2 });
    try {
      const vm = await message(a);
      const onB = new VoicemailsRepo(b);
      expect((await new AudioStore(b, "/x").get(vm.audioSha256))?.path).toBe(`/nonexistent/${vm.audioSha256}.wav`);
      await onB.markProcessing(vm.id, 6000);
      await onB.saveResults(vm.id, results(), 7000);
      expect(await new VoicemailsRepo(a).get(vm.id)).toMatchObject({ status: "processed", processedAt: 7000 });
      expect(await new VoicemailStatsRepo(a).counts()).toEqual([{ status: "processed", urgency: 4, count: 1 }]);
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });
});
