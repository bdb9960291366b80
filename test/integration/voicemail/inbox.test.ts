import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Worker } from "../../../src/jobs/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { fliteMissing, speechWavBytes, VOICEMAIL_ROUTINE, VOICEMAIL_URGENT } from "../../helpers/speech.js";
import {
  audioFiles,
  errorOf,
  eventsOf,
  getJson,
  settled,
  toneWav,
  upload,
  type Page,
  type VoicemailJson,
} from "./helpers.js";

/** The inbox side of /v1/voicemails: filters, pages, one message, its audio, status changes, deletion. */
describe.skipIf(fliteMissing)("listing and managing voicemails", () => {
  let t: TestApp;
  let worker: Worker;
  let routine: VoicemailJson;
  let urgent: VoicemailJson;
  let silent: VoicemailJson;
  const routineBytes = speechWavBytes(VOICEMAIL_ROUTINE);
  const ids = async (query: string) => (await getJson<Page>(t, `/v1/voicemails?${query}`)).items.map((v) => v.id);

  beforeAll(async () => {
    t = await createTestApp({ engines: "tiny" });
    worker = t.startWorker();
    routine = await settled(
      t,
      (await upload(t, routineBytes, { mailbox: "100", received_at: "2026-03-01T10:00:00Z" })).id,
    );
    urgent = await settled(
      t,
      (await upload(t, speechWavBytes(VOICEMAIL_URGENT), { mailbox: "frontdesk", received_at: "2026-03-02T10:00:00Z" }))
        .id,
    );
    silent = await settled(
      t,
      (await upload(t, toneWav(0, 300).fill(0, 44), { mailbox: "100", received_at: "2026-03-03T10:00:00Z" })).id,
    );
  });
  afterAll(() => t?.close());

  it("filters by status, urgency, tag, mailbox, kind and received date, and sorts by urgency", async () => {
    expect([routine.status, urgent.status, silent.status]).toEqual(["processed", "escalated", "silent"]);
    expect(await ids("status=escalated")).toEqual([urgent.id]);
    expect(await ids("status=processed,silent")).toEqual([silent.id, routine.id]);
    expect(await ids("urgency=5")).toEqual([urgent.id]);
    expect(await ids("urgency=2")).toEqual([urgent.id, routine.id]); // "at least"
    expect(await ids("tag=flooding")).toEqual([urgent.id]);
    expect(await ids("tag=ORDER")).toEqual([routine.id]);
    expect(await ids("mailbox=frontdesk")).toEqual([urgent.id]);
    expect(await ids("mailbox=100&status=silent")).toEqual([silent.id]);
    expect(await ids("kind=voicemail")).toEqual([silent.id, urgent.id, routine.id]);
    expect(await ids("agent=receptionist&urgency=1")).toEqual([urgent.id, routine.id]);
    expect(await ids("from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z")).toEqual([urgent.id]);
    expect(await ids(`from=${Date.parse("2026-03-02T00:00:00Z")}`)).toEqual([silent.id, urgent.id]);
    expect(await ids("to=2026-03-02T00:00:00%2B01:00")).toEqual([routine.id]);
    expect(await ids("sort=urgency")).toEqual([urgent.id, routine.id, silent.id]);
  });

  it("pages with a cursor, newest or most urgent first, without gaps or repeats while messages arrive", async () => {
    for (let i = 0; i < 9; i++) await upload(t, toneWav(10 + i, 200), { mailbox: "bulk" });
    const walk = async (query: string, limit: number, between?: () => Promise<void>) => {
      const seen: VoicemailJson[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Page = await getJson<Page>(
          t,
          `/v1/voicemails?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`,
        );
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items);
        cursor = page.nextCursor;
        if (pages++ === 0) await between?.();
      } while (cursor);
      return { seen, pages };
    };
    const all = (await getJson<Page>(t, "/v1/voicemails?limit=200")).items;
    expect(all).toHaveLength(12);

    let arrived: VoicemailJson | undefined;
    const newest = await walk(
      "sort=newest",
      5,
      async () => void (arrived = await upload(t, toneWav(99, 200), { mailbox: "bulk" })),
    );
    expect(newest.pages).toBe(3);
    expect(newest.seen.map((v) => v.id)).toEqual(all.map((v) => v.id)); // the arrival is newer than the first page: not in this walk
    expect(arrived?.id).toBeGreaterThan(all[0]?.id ?? 0);

    await waitUntilSettled();
    const everything = (await getJson<Page>(t, "/v1/voicemails?limit=200&sort=urgency")).items;
    const byUrgency = await walk("sort=urgency", 4);
    expect(byUrgency.seen.map((v) => v.id)).toEqual(everything.map((v) => v.id));
    expect(new Set(byUrgency.seen.map((v) => v.id)).size).toBe(13);
    const keys = byUrgency.seen.map((v) => [v.urgency ?? 0, v.id] as const);
    for (let i = 1; i < keys.length; i++) {
      const [u0, id0] = keys[i - 1]!;
      const [u1, id1] = keys[i]!;
      expect(u0 > u1 || (u0 === u1 && id0 > id1), `order at ${i}`).toBe(true);
    }
    expect(byUrgency.seen[0]?.id).toBe(urgent.id);

    const filtered = await walk("mailbox=bulk", 4);
    expect(filtered.seen).toHaveLength(10);
    expect(filtered.seen.every((v) => v.mailbox === "bulk")).toBe(true);
  });

  it("gets one message; 404 for an unknown or impossible id", async () => {
    expect(await getJson<VoicemailJson>(t, `/v1/voicemails/${urgent.id}`)).toMatchObject({
      id: urgent.id,
      urgency: 5,
      audioUrl: `/v1/voicemails/${urgent.id}/audio`,
    });
    for (const id of ["999999", "abc", "0", "-1", "1.5"]) {
      const res = await t.request(`/v1/voicemails/${id}`);
      expect(res.status, id).toBe(404);
      expect((await errorOf(res)).code).toBe("not_found");
    }
  });

  it("serves the recording whole and by byte range (206, Content-Range), 416 for a range it cannot satisfy", async () => {
    const size = routineBytes.length;
    const whole = await t.request(routine.audioUrl);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/wav");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(whole.headers.get("content-length")).toBe(String(size));
    expect(Buffer.from(await whole.arrayBuffer()).equals(routineBytes)).toBe(true);

    const cases: Array<[string, number, number]> = [
      ["bytes=0-43", 0, 43],
      ["bytes=100-", 100, size - 1],
      ["bytes=-100", size - 100, size - 1],
      ["bytes=10-99999999", 10, size - 1],
    ];
    for (const [range, start, end] of cases) {
      const res = await t.request(routine.audioUrl, { headers: { range } });
      expect(res.status, range).toBe(206);
      expect(res.headers.get("content-range")).toBe(`bytes ${start}-${end}/${size}`);
      expect(res.headers.get("content-length")).toBe(String(end - start + 1));
      expect(Buffer.from(await res.arrayBuffer()).equals(routineBytes.subarray(start, end + 1)), range).toBe(true);
    }
    for (const range of ["items=0-10", "bytes=0-1,5-6"]) {
      const res = await t.request(routine.audioUrl, { headers: { range } });
      expect(res.status, `${range} is ignored: the whole file`).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(size);
    }
    for (const range of [`bytes=${size}-`, "bytes=50-10", "bytes=abc", "bytes=-0", "bytes=-"]) {
      const res = await t.request(routine.audioUrl, { headers: { range } });
      expect(res.status, range).toBe(416);
      expect(res.headers.get("content-range")).toBe(`bytes */${size}`);
      expect((await errorOf(res)).code).toBe("range_not_satisfiable");
    }
  });

  it("marks messages handled or archived, announces it, and refuses while a message is still processing", async () => {
    const patch = (id: number, body: string, type = "application/json") =>
      t.request(`/v1/voicemails/${id}`, { method: "PATCH", headers: { "content-type": type }, body });
    const handled = await patch(urgent.id, JSON.stringify({ status: "handled" }));
    expect(handled.status).toBe(200);
    expect(await handled.json()).toMatchObject({ id: urgent.id, status: "handled", urgency: 5 });
    expect((await patch(routine.id, JSON.stringify({ status: "archived" }))).status).toBe(200);
    expect(await ids("status=handled,archived")).toEqual([urgent.id, routine.id]);
    expect((await eventsOf(t, "voicemail.updated")).map((e) => e.data)).toEqual(
      expect.arrayContaining([
        { voicemailId: urgent.id, status: "handled" },
        { voicemailId: routine.id, status: "archived" },
      ]),
    );

    const bad = await patch(urgent.id, JSON.stringify({ status: "deleted" }));
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).message).toMatch(/^invalid body: status: /);
    expect((await patch(urgent.id, JSON.stringify({ status: "handled", note: "x" }))).status).toBe(400);
    expect((await patch(urgent.id, "{status: handled")).status).toBe(400);
    expect((await patch(urgent.id, "status=handled", "application/x-www-form-urlencoded")).status).toBe(415);
    expect((await patch(999_999, JSON.stringify({ status: "handled" }))).status).toBe(404);

    await worker.stop({ graceMs: 5000 });
    try {
      const waiting = await upload(t, toneWav(50, 200));
      const res = await patch(waiting.id, JSON.stringify({ status: "handled" }));
      expect(res.status).toBe(409);
      expect(await errorOf(res)).toEqual({ code: "conflict", message: `voicemail ${waiting.id} is still queued` });
    } finally {
      worker = t.startWorker();
    }
  });

  it("deletes a message with its recording; the job is cancelled if it had not run", async () => {
    const before = audioFiles(t).length;
    const blob = await t.services.audio.get(
      (await t.services.sql.get<{ sha: string }>("SELECT audio_sha256 AS sha FROM voicemails WHERE id = ?", [
        silent.id,
      ]))!.sha,
    );
    expect(blob && existsSync(blob.path)).toBe(true);
    const res = await t.request(`/v1/voicemails/${silent.id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    expect((await t.request(`/v1/voicemails/${silent.id}`)).status).toBe(404);
    expect((await t.request(silent.audioUrl)).status).toBe(404);
    expect(existsSync(blob?.path ?? "")).toBe(false);
    expect(audioFiles(t).length).toBe(before - 1);
    expect(await t.services.audio.get(blob!.sha256)).toBeNull();
    expect((await eventsOf(t, "voicemail.deleted")).map((e) => e.data)).toEqual([{ voicemailId: silent.id }]);
    expect((await t.request(`/v1/voicemails/${silent.id}`, { method: "DELETE" })).status).toBe(404);

    await worker.stop({ graceMs: 5000 });
    const waiting = await upload(t, toneWav(51, 200));
    expect((await t.request(`/v1/voicemails/${waiting.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await t.services.queue.get(waiting.jobId ?? 0)).toMatchObject({ status: "cancelled" });
    expect((await eventsOf(t, "voicemail.updated")).filter((e) => e.data.voicemailId === waiting.id)).toEqual([]);
    worker = t.startWorker();
  });

  async function waitUntilSettled(): Promise<void> {
    const pending = await ids("status=queued,processing&limit=200");
    for (const id of pending) await settled(t, id);
  }
});
