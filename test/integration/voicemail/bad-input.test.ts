import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { errorOf, prng, storage, toneWav, upload, uploadMultipart, uploadRaw } from "./helpers.js";

/**
 * Every kind of bad upload or request is a 4xx with a clear message, and
 * leaves no file, row, job or event behind. No engines: nothing here should
 * get as far as processing. ffmpeg is off (WAV only) unless a test says so,
 * so random bytes are judged by our own reader.
 */
const LIMITS = { api: { maxBodyBytes: 100_000 }, voicemail: { maxBytes: 50_000, maxDurationMs: 1000, ffmpeg: "off" } };

describe("bad input to /v1/voicemails", () => {
  let t: TestApp;
  const valid = toneWav(0, 500); // 16 044 bytes, within every limit
  beforeAll(async () => {
    t = await createTestApp({ config: LIMITS });
  });
  afterAll(() => t?.close());

  /** Sends a request that must be refused with `status`, and checks that nothing was stored. */
  async function refused(send: () => Promise<Response>, status: number, code: string, message: RegExp): Promise<void> {
    const before = await storage(t);
    const res = await send();
    expect(res.status, `${code}: ${await res.clone().text()}`).toBe(status);
    const error = await errorOf(res);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(await storage(t), `nothing stored by a ${code}`).toEqual(before);
  }

  it("refuses broken WAV files with 400 and says what is wrong", async () => {
    const raw = (bytes: Uint8Array) => () => uploadRaw(t, bytes);
    await refused(
      raw(valid.subarray(0, 20)),
      400,
      "audio_invalid",
      /^invalid WAV: no fmt chunk|^invalid WAV: truncated header/,
    );
    await refused(raw(valid.subarray(0, 40)), 400, "audio_invalid", /^invalid WAV: /);
    await refused(raw(valid.subarray(0, 8)), 400, "audio_invalid", /^invalid WAV: truncated header: 8 bytes/);
    // The data chunk claims the whole recording, the upload holds half of it.
    await refused(
      raw(valid.subarray(0, 8000)),
      400,
      "audio_truncated",
      /^invalid WAV: the data chunk declares 16000 bytes but only 7956 are present/,
    );
    const notWave = Buffer.from(valid);
    notWave.write("AVI ", 8, "ascii");
    await refused(raw(notWave), 400, "audio_invalid", /expected "WAVE"/);
    const empty = Buffer.from(valid.subarray(0, 44));
    empty.writeUInt32LE(0, 40);
    await refused(raw(empty), 400, "audio_invalid", /data chunk is empty/);
    const adpcm = Buffer.from(valid);
    adpcm.writeUInt16LE(0x0002, 20);
    await refused(raw(adpcm), 415, "audio_invalid", /^unsupported WAV: encoding Microsoft ADPCM/);
    const rate = Buffer.from(valid);
    rate.writeUInt32LE(1000, 24);
    await refused(raw(rate), 415, "audio_invalid", /sample rate 1000 Hz/);
  });

  it("accepts a streaming writer's 'length unknown' header (0xFFFFFFFF), unlike a short upload", async () => {
    const streamed = Buffer.from(valid);
    streamed.writeUInt32LE(0xffffffff, 4);
    streamed.writeUInt32LE(0xffffffff, 40);
    const res = await uploadRaw(t, streamed);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(((await res.json()) as { voicemail: { durationMs: number } }).voicemail.durationMs).toBe(500);
  });

  it("refuses zero bytes, random bytes and the wrong content type", async () => {
    await refused(() => uploadRaw(t, new Uint8Array(0)), 400, "audio_empty", /^the audio is empty \(0 bytes\)$/);
    await refused(() => uploadMultipart(t, new Uint8Array(0)), 400, "audio_empty", /empty/);
    const random = new Uint8Array(4000).map(
      (
        (r) => () =>
          Math.floor(r() * 256)
      )(prng(42)),
    );
    await refused(() => uploadRaw(t, random), 415, "audio_unsupported", /^only WAV audio is accepted on this server/);
    await refused(() => uploadRaw(t, random, {}, "application/octet-stream"), 415, "audio_unsupported", /only WAV/);
    await refused(
      () =>
        t.request("/v1/voicemails", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ audio: "UklGRg==" }),
        }),
      415,
      "unsupported_media_type",
      /multipart\/form-data .* audio\/\* Content-Type/,
    );
    await refused(
      () => t.request("/v1/voicemails", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" }),
      415,
      "unsupported_media_type",
      /multipart/,
    );
    await refused(
      () => t.request("/v1/voicemails", { method: "POST", body: valid }),
      415,
      "unsupported_media_type",
      /multipart/,
    );
    const noFile = new FormData();
    noFile.set("caller", "+14155550100");
    await refused(
      () => t.request("/v1/voicemails", { method: "POST", body: noFile }),
      400,
      "audio_missing",
      /no file in the 'audio' field/,
    );
    await refused(
      () =>
        t.request("/v1/voicemails", {
          method: "POST",
          headers: { "content-type": "multipart/form-data; boundary=xyz" },
          body: "not multipart at all",
        }),
      400,
      "invalid_request",
      /multipart body cannot be read|no file/,
    );
  });

  it("refuses a body over api.maxBodyBytes, audio over voicemail.maxBytes, and audio over voicemail.maxDurationMs (413)", async () => {
    await refused(() => uploadRaw(t, toneWav(1, 4000)), 413, "payload_too_large", /over the limit of 100000 bytes/);
    await refused(() => uploadMultipart(t, toneWav(1, 4000)), 413, "payload_too_large", /100000/);
    await refused(() => uploadRaw(t, toneWav(1, 2000)), 413, "audio_too_large", /the limit is 50000/);
    await refused(
      () => uploadRaw(t, toneWav(1, 1200)),
      413,
      "audio_too_long",
      /^audio is 1\.2 s long, the limit is 1\.0 s$/,
    );
    // A header that claims an hour, on a small file: judged by what it declares, before decoding.
    const claims = Buffer.from(valid);
    claims.writeUInt32LE(16000 * 2 * 3600, 40);
    await refused(() => uploadRaw(t, claims), 413, "audio_too_large", /data chunk is 115200000 bytes/);
  });

  it("refuses bad metadata and names the field", async () => {
    await refused(
      () => uploadRaw(t, valid, { received_at: "yesterday" }),
      400,
      "invalid_request",
      /^invalid fields: received_at: /,
    );
    await refused(() => uploadRaw(t, valid, { caller: "x".repeat(200) }), 400, "invalid_request", /caller: Too big/);
    await refused(
      () => uploadMultipart(t, valid, { received_at: "2026-13-45T99:00:00Z" }),
      400,
      "invalid_request",
      /received_at/,
    );
  });

  it("refuses invalid JSON and bad fields on PATCH, and bad list parameters", async () => {
    const v = await upload(t, valid);
    await t.services.sql.run("UPDATE voicemails SET status = 'processed' WHERE id = ?", [v.id]);
    const patch =
      (body: string, type = "application/json") =>
      () =>
        t.request(`/v1/voicemails/${v.id}`, { method: "PATCH", headers: { "content-type": type }, body });
    await refused(patch("{not json"), 400, "invalid_json", /^the body is not valid JSON$/);
    await refused(patch(""), 400, "invalid_json", /not valid JSON/);
    await refused(patch(JSON.stringify({ status: "gone" })), 400, "invalid_request", /^invalid body: status: /);
    await refused(patch(JSON.stringify([])), 400, "invalid_request", /invalid body/);
    await refused(patch("status=handled", "text/plain"), 415, "unsupported_media_type", /application\/json/);

    const cases: Array<[string, RegExp]> = [
      ["status=lost", /status: unknown status lost; one of queued, processing/],
      ["urgency=9", /urgency: /],
      ["urgency=high", /urgency: /],
      ["limit=0", /limit: /],
      ["limit=1000", /limit: /],
      ["sort=loudest", /sort: /],
      ["kind=fax", /kind: /],
      ["from=last-week", /from: /],
      ["cursor=%%%", /invalid cursor/],
      [`cursor=${Buffer.from('{"id":"x"}').toString("base64url")}`, /invalid cursor/],
    ];
    for (const [query, message] of cases) {
      await refused(() => t.request(`/v1/voicemails?${query}`), 400, "invalid_request", message);
    }
  });

  it("never answers 5xx to hundreds of mangled WAV headers and random buffers", async () => {
    const base = toneWav(3, 300);
    const rnd = prng(20260301);
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let i = 0; i < 300; i++) {
      let bytes: Uint8Array;
      if (i % 10 === 9) {
        bytes = new Uint8Array(1 + Math.floor(rnd() * 3000)).map(() => Math.floor(rnd() * 256));
        if (i % 20 === 19) bytes.set([0x52, 0x49, 0x46, 0x46], 0); // random after a RIFF magic
      } else {
        bytes = Uint8Array.from(base);
        const flips = 1 + Math.floor(rnd() * 4);
        for (let f = 0; f < flips; f++) bytes[Math.floor(rnd() * 64)] = Math.floor(rnd() * 256);
      }
      const res = i % 3 === 0 ? await uploadMultipart(t, bytes) : await uploadRaw(t, bytes);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500)
        failures.push(
          `case ${i} (${Buffer.from(bytes.subarray(0, 64)).toString("hex")}): ${res.status} ${await res.text()}`,
        );
      else if (res.status >= 400) expect((await errorOf(res)).message.length, `case ${i}`).toBeGreaterThan(10);
    }
    expect(failures).toEqual([]);
    // Most mangled files are refused; some flips land in harmless fields and are stored, which is fine.
    expect(
      [...statuses.keys()].every((s) => [200, 201, 400, 413, 415].includes(s)),
      JSON.stringify([...statuses]),
    ).toBe(true);
    // Whatever was accepted is a whole, stored message with its job; nothing else was left behind.
    const s = await storage(t);
    expect(s.files).toBe(s.blobs);
    expect(s.voicemails).toBe(s.blobs);
  });
});

describe("random bytes with ffmpeg installed", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ config: { voicemail: { ffmpeg: "auto" } } });
  });
  afterAll(() => t?.close());

  it.skipIf(!hasFfmpeg())("answers 415 saying ffmpeg could not decode them, and stores nothing", async () => {
    expect(t.services.ffmpeg).not.toBeNull();
    const rnd = prng(7);
    for (let i = 0; i < 6; i++) {
      const before = await storage(t);
      const bytes = new Uint8Array(2000 + i * 500).map(() => Math.floor(rnd() * 256));
      const res = await uploadRaw(t, bytes, {}, "application/octet-stream");
      expect(res.status, await res.clone().text()).toBe(415);
      expect((await errorOf(res)).message).toMatch(/^the audio could not be decoded: /);
      expect(await storage(t)).toEqual(before);
    }
  });
});

function hasFfmpeg(): boolean {
  return spawnSync("ffmpeg", ["-version"], { stdio: "ignore" }).status === 0;
}
