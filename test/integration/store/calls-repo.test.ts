import { afterEach, describe, expect, it } from "vitest";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import { DashboardRepo } from "../../../src/store/repos/dashboard-repo.js";
import { createPostgresSql, type SqlStore } from "../../../src/store/sql/index.js";
import { postgresUnavailable, scratchSchema, testPostgresUrl } from "../../helpers/postgres.js";
import { seedVoicemail } from "../../helpers/search-seed.js";
import { storeEngines, type OpenedStore } from "../../helpers/sql-stores.js";

const opened: OpenedStore[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

const call = (sql: SqlStore, o: { startedAt?: number; direction?: "inbound" | "outbound"; context?: unknown } = {}) =>
  new CallsRepo(sql).start({
    sipCallId: `sip-${Math.random()}`,
    direction: o.direction ?? "inbound",
    fromUri: "sip:+15550100@pbx",
    toUri: "sip:parley@node",
    remoteNumber: "+15550100",
    agent: "receptionist",
    startedAt: o.startedAt ?? 1000,
    ...(o.context !== undefined ? { context: o.context } : {}),
  });

const timing = (firstRtpMs: number) => ({
  endpointMs: 200,
  asrFinalMs: 250,
  llmFirstTokenMs: 400,
  ttsFirstAudioMs: 500,
  firstRtpMs,
});

describe.each(await storeEngines())("calls on $label", ({ skip, open }) => {
  async function store(): Promise<SqlStore> {
    const s = await open();
    opened.push(s);
    return s.sql;
  }

  it.skipIf(skip)(
    "records a call from start to end with its turns, a turn written again replacing the first",
    async () => {
      const sql = await store();
      const repo = new CallsRepo(sql);
      const c = await call(sql, { direction: "outbound", context: { source: "api" } });
      expect(c).toMatchObject({ direction: "outbound", context: { source: "api" }, answeredAt: null, outcome: null });
      await repo.setSipIdentity(c.id, "real-call-id", "sip:parley@trunk");
      await repo.answered(c.id, 1100);
      await repo.turn(c.id, { index: 0, role: "agent", text: "Hello", at: 1200, source: "greeting" });
      await repo.turn(c.id, { index: 1, role: "user", text: "hi ther", at: 1300, source: "speech" });
      await repo.turn(c.id, {
        index: 1,
        role: "user",
        text: "hi there",
        at: 1300,
        source: "speech",
        interrupted: true,
        toolCalls: [{ name: "lookup", arguments: {}, result: 1 }],
      });
      await repo.turn(c.id, {
        index: 2,
        role: "agent",
        text: "Sorry?",
        at: 1400,
        failed: true,
        failure: { stage: "llm", message: "decode failed" },
        timing: timing(880),
      });
      await repo.end(c.id, { endedAt: 2000, outcome: "caller_hangup", recordingPath: "/r.wav", rtpStats: { lost: 0 } });
      await repo.setSummary(c.id, { summary: "hello", urgency: 2 });
      expect(await repo.get(c.id)).toMatchObject({
        sipCallId: "real-call-id",
        fromUri: "sip:parley@trunk",
        answeredAt: 1100,
        endedAt: 2000,
        outcome: "caller_hangup",
        recordingPath: "/r.wav",
        rtpStats: { lost: 0 },
        summary: { summary: "hello", urgency: 2 },
        voicemailId: null,
      });
      const turns = await repo.turns(c.id);
      expect(turns.map((t) => [t.idx, t.text, t.interrupted, t.failed])).toEqual([
        [0, "Hello", false, false],
        [1, "hi there", true, false],
        [2, "Sorry?", false, true],
      ]);
      expect(turns[1]!.toolCalls).toEqual([{ name: "lookup", arguments: {}, result: 1 }]);
      expect(turns[2]).toMatchObject({ failure: { stage: "llm" }, timing: { firstRtpMs: 880 }, sources: null });
      expect(await repo.get(c.id + 100)).toBeNull();
    },
  );

  it.skipIf(skip)("lists newest first by outcome and direction, a page at a time; links a voicemail", async () => {
    const sql = await store();
    const repo = new CallsRepo(sql);
    const a = await call(sql);
    const b = await call(sql, { direction: "outbound" });
    const c = await call(sql);
    await repo.end(a.id, { endedAt: 2, outcome: "caller_hangup", recordingPath: null, rtpStats: null });
    const ids = async (o: Partial<Parameters<CallsRepo["list"]>[0]>) =>
      (await repo.list({ limit: 10, ...o })).map((x) => x.id);
    expect(await ids({})).toEqual([c.id, b.id, a.id]);
    expect(await ids({ direction: "inbound" })).toEqual([c.id, a.id]);
    expect(await ids({ outcome: "caller_hangup" })).toEqual([a.id]);
    expect(await ids({ beforeId: c.id, limit: 1 })).toEqual([b.id]);
    const vm = await seedVoicemail(sql, { transcript: "a message", summary: null });
    await repo.linkVoicemail(c.id, vm);
    expect((await repo.get(c.id))?.voicemailId).toBe(vm);
    // The message goes, the call stays, unlinked.
    await sql.run("DELETE FROM voicemails WHERE id = ?", [vm]);
    expect((await repo.get(c.id))?.voicemailId).toBeNull();
  });

  it.skipIf(skip)(
    "the dashboard counts by urgency since a time, escalations, failures, times and latencies",
    async () => {
      const sql = await store();
      const repo = new CallsRepo(sql);
      const dash = new DashboardRepo(sql);
      await seedVoicemail(sql, { transcript: "x", summary: null, urgency: 5, receivedAt: 5000 });
      await seedVoicemail(sql, { transcript: "y", summary: null, urgency: 2, status: "escalated", receivedAt: 6000 });
      await seedVoicemail(sql, { transcript: null, summary: null, status: "failed", receivedAt: 7000 });
      await seedVoicemail(sql, { transcript: "old", summary: null, urgency: 4, receivedAt: 10 });
      const early = await call(sql, { startedAt: 10 });
      const late = await call(sql, { startedAt: 5000 });
      const untriaged = await call(sql, { startedAt: 6000 });
      await repo.setSummary(early.id, { urgency: 1 });
      await repo.setSummary(late.id, { urgency: 3 });
      await repo.setSummary(untriaged.id, ["not an object"]);
      await repo.turn(late.id, { index: 0, role: "agent", text: "a", at: 5100, timing: timing(700) });
      await repo.turn(late.id, { index: 1, role: "agent", text: "b", at: 5200, timing: timing(650.5) });
      await repo.turn(late.id, { index: 2, role: "user", text: "c", at: 5300 });
      await repo.turn(early.id, { index: 0, role: "agent", text: "d", at: 20, timing: timing(999) });

      expect(await dash.voicemailsByUrgency(1000)).toEqual({ "1": 0, "2": 1, "3": 0, "4": 0, "5": 1, untriaged: 1 });
      expect(await dash.callsByUrgency(1000)).toEqual({ "1": 0, "2": 0, "3": 1, "4": 0, "5": 0, untriaged: 1 });
      expect(await dash.openEscalations()).toBe(1);
      expect(await dash.failedVoicemails()).toBe(1);
      expect(await dash.voicemailTimes(1000)).toEqual([5000, 6000, 7000]);
      expect(await dash.callTimes(1000)).toEqual([5000, 6000]);
      expect(await dash.turnLatencies(1000)).toEqual([
        { t: 5100, ms: 700 },
        { t: 5200, ms: 650.5 },
      ]);
    },
  );
});

const pgSkip = await postgresUnavailable();

describe("calls shared by nodes (PostgreSQL)", () => {
  it.skipIf(pgSkip)("a call recorded on one node is listed, with its turns, on another", async () => {
    const scratch = scratchSchema();
    const a = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 2 });
    const b = createPostgresSql({ url: testPostgresUrl, schema: scratch.schema, poolSize: 2 });
    try {
      const onA = await call(a);
      const onB = await call(b);
      await new CallsRepo(a).turn(onA.id, { index: 0, role: "user", text: "from node a", at: 1 });
      // One sequence for every node: the ids do not collide.
      expect(onB.id).not.toBe(onA.id);
      expect((await new CallsRepo(b).list({ limit: 10 })).map((c) => c.id)).toEqual([onB.id, onA.id]);
      expect((await new CallsRepo(b).turns(onA.id)).map((t) => t.text)).toEqual(["from node a"]);
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });
});
