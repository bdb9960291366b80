import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav } from "../../../src/audio/index.js";
import { AudioStore } from "../../../src/store/audio-store.js";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import { VoicemailsRepo } from "../../../src/store/repos/voicemails-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";

/**
 * The API serves files from a folder other nodes write too (files.dir): a
 * recording or a voicemail's audio that does not add up is refused with a
 * clear error, never streamed in part.
 */
describe("serving files from the shared folder", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  const wav = () => encodeWav({ channels: [new Int16Array(8000).fill(300)], sampleRate: 8000 });

  async function callRecordedAt(path: string): Promise<number> {
    const calls = new CallsRepo(t.services.sql);
    const now = Date.now();
    const call = await calls.start({
      sipCallId: `rec-${path}`,
      direction: "inbound",
      fromUri: "sip:+15550100@pbx",
      toUri: "sip:receptionist@parley",
      remoteNumber: "+15550100",
      agent: "receptionist",
      startedAt: now - 5000,
    });
    await calls.end(call.id, { endedAt: now, outcome: "caller_hangup", recordingPath: path, rtpStats: null });
    return call.id;
  }

  it("a call recording: whole is served, cut short is a 500 naming the damage, gone is a 404", async () => {
    const whole = join(t.dataDir, "whole.wav");
    writeFileSync(whole, wav());
    const ok = await t.request(`/v1/calls/${await callRecordedAt(whole)}/recording`);
    expect(ok.status).toBe(200);
    expect(Buffer.from(await ok.arrayBuffer()).length).toBe(44 + 16000);

    const cut = join(t.dataDir, "cut.wav");
    writeFileSync(cut, wav().subarray(0, 6000));
    const damaged = await t.request(`/v1/calls/${await callRecordedAt(cut)}/recording`);
    expect(damaged.status).toBe(500);
    const body = (await damaged.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("file_damaged");
    expect(body.error.message).toContain("declares 16000 bytes but 5956 are present");

    const gone = await t.request(`/v1/calls/${await callRecordedAt(join(t.dataDir, "gone.wav"))}/recording`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe("file_missing");
  });

  it("a voicemail's audio of another size than was stored is refused", async () => {
    const bytes = wav();
    const sha = AudioStore.hash(bytes);
    const path = await t.services.audio.writeFile(sha, bytes, "wav");
    const now = Date.now();
    await t.services.audio.record({
      sha256: sha,
      path,
      bytes: bytes.length,
      contentType: "audio/wav",
      durationMs: 1000,
      createdAt: now,
    });
    const v = await new VoicemailsRepo(t.services.sql).insert({
      audioSha256: sha,
      agent: "receptionist",
      kind: "voicemail",
      mailbox: "100",
      caller: null,
      receivedAt: now,
      durationMs: 1000,
      now,
    });
    expect((await t.request(`/v1/voicemails/${v.id}/audio`)).status).toBe(200);
    writeFileSync(path, bytes.subarray(0, 1000));
    const res = await t.request(`/v1/voicemails/${v.id}/audio`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: "file_damaged",
      message: expect.stringContaining(`1000 bytes, ${bytes.length} were stored`),
    });
    rmSync(path);
    const gone = await t.request(`/v1/voicemails/${v.id}/audio`);
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe("file_missing");
  });
});
