import { describe, expect, it } from "vitest";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import { postgresUnavailable } from "../../helpers/postgres.js";
import { toneWav, uploadRaw } from "../voicemail/helpers.js";
import { nodesOnOneSchema } from "../../helpers/shared-nodes.js";

// Two nodes (each its own data dir and SQLite file) on one PostgreSQL store: any node's API lists, reads, searches
// and counts every node's voicemails and calls.
const skip = await postgresUnavailable();

describe.skipIf(skip)(`voicemails and calls shared by two nodes${skip ? ` (skipped: ${skip})` : ""}`, () => {
  const nodes = nodesOnOneSchema(2);

  const json = async <T>(res: Response | Promise<Response>, status = 200): Promise<T> => {
    const r = await res;
    expect(r.status, await r.clone().text()).toBe(status);
    return (await r.json()) as T;
  };

  it("a voicemail uploaded to one node is listed, read, played, updated and deleted through the other", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    const bytes = toneWav(11, 700);
    const { voicemail } = await json<{ voicemail: { id: number } }>(
      uploadRaw(a, bytes, { mailbox: "100", caller: "+15550100" }),
      201,
    );
    // The same recording sent to the other node is the same message.
    const again = await json<{ voicemail: { id: number }; duplicate: boolean }>(uploadRaw(b, bytes));
    expect(again).toMatchObject({ voicemail: { id: voicemail.id }, duplicate: true });

    const listed = await json<{ items: { id: number; mailbox: string }[] }>(b.request("/v1/voicemails?mailbox=100"));
    expect(listed.items.map((v) => v.id)).toEqual([voicemail.id]);
    expect(await json<{ id: number; caller: string }>(b.request(`/v1/voicemails/${voicemail.id}`))).toMatchObject({
      id: voicemail.id,
      caller: "+15550100",
    });
    // Node b finds the recording through the shared row (the file lies where node a wrote it).
    const audio = await b.request(`/v1/voicemails/${voicemail.id}/audio`);
    expect(audio.status).toBe(200);
    expect(Buffer.from(await audio.arrayBuffer()).equals(bytes)).toBe(true);

    // Operator changes on one node are what the other shows.
    await a.services.sql.run(
      "UPDATE voicemails SET status = 'processed', transcript = 'the gate is stuck' WHERE id = ?",
      [voicemail.id],
    );
    await json(
      b.request(`/v1/voicemails/${voicemail.id}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ status: "handled" }),
      }),
    );
    expect((await json<{ status: string }>(a.request(`/v1/voicemails/${voicemail.id}`))).status).toBe("handled");
    const hits = await json<{ items: { kind: string; id: number }[] }>(a.request("/v1/search?q=gate"));
    expect(hits.items.map((h) => [h.kind, h.id])).toEqual([["voicemail", voicemail.id]]);

    expect((await b.request(`/v1/voicemails/${voicemail.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await a.request(`/v1/voicemails/${voicemail.id}`)).status).toBe(404);
    expect((await json<{ items: unknown[] }>(a.request("/v1/voicemails"))).items).toEqual([]);
  });

  it("a call taken on one node is listed with its turns, searched and counted on the other", async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    const calls = new CallsRepo(a.services.sql);
    const now = a.services.clock.now();
    const call = await calls.start({
      sipCallId: "on-node-a",
      direction: "inbound",
      fromUri: "sip:+15550101@pbx",
      toUri: "sip:parley@a",
      remoteNumber: "+15550101",
      agent: "receptionist",
      startedAt: now,
    });
    await calls.turn(call.id, { index: 0, role: "user", text: "my parcel never arrived", at: now + 1 });
    await calls.turn(call.id, {
      index: 1,
      role: "agent",
      text: "I am sorry to hear that",
      at: now + 2,
      timing: { endpointMs: 200, asrFinalMs: 250, llmFirstTokenMs: 400, ttsFirstAudioMs: 500, firstRtpMs: 640 },
    });
    await calls.end(call.id, { endedAt: now + 3, outcome: "caller_hangup", recordingPath: null, rtpStats: null });

    const list = await json<{ items: { id: number; outcome: string }[] }>(b.request("/v1/calls?outcome=caller_hangup"));
    expect(list.items.map((c) => [c.id, c.outcome])).toEqual([[call.id, "caller_hangup"]]);
    const one = await json<{ turns: { text: string }[] }>(b.request(`/v1/calls/${call.id}`));
    expect(one.turns.map((t) => t.text)).toEqual(["my parcel never arrived", "I am sorry to hear that"]);
    const hits = await json<{ items: { kind: string; id: number }[] }>(b.request("/v1/search?q=parcel&kind=call"));
    expect(hits.items.map((h) => [h.kind, h.id])).toEqual([["call", call.id]]);
    const stats = await json<{ today: { calls: { total: number } } }>(b.request("/v1/stats"));
    expect(stats.today.calls.total).toBe(1);
  });
});
