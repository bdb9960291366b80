import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeWav } from "../../../src/audio/index.js";
import { CallRecorder } from "../../../src/calls/recorder.js";
import { loadConfig } from "../../../src/config/index.js";
import { audioDir, databaseFile, recordingsDir, ttsCacheDir } from "../../../src/config/paths.js";
import { AudioStore } from "../../../src/store/audio-store.js";
import { openDatabase } from "../../../src/store/database.js";
import { SqliteSql } from "../../../src/store/sql/index.js";
import { checkWavFile, isTempName, readVerified, recordingFile } from "../../../src/store/files/index.js";
import { scratchDir } from "../../helpers/scratch.js";

const wav = (samples: number) => encodeWav({ channels: [new Int16Array(samples).fill(100)], sampleRate: 8000 });

describe("files.dir", () => {
  it("defaults to dataDir; set, it holds audio, recordings and the TTS cache, and the database stays in dataDir", () => {
    const dir = scratchDir("parley-files-dir");
    const plain = loadConfig({ env: {}, cwd: dir }).config;
    expect(audioDir(plain)).toBe(join(dir, "data", "audio"));
    expect(recordingsDir(plain)).toBe(join(dir, "data", "recordings"));

    mkdirSync(join(dir, "etc"));
    writeFileSync(join(dir, "etc", "parley.yaml"), "dataDir: ./state\nfiles:\n  dir: ../shared\n");
    const fromFile = loadConfig({ env: {}, cwd: "/", file: join(dir, "etc", "parley.yaml") }).config;
    expect([audioDir(fromFile), recordingsDir(fromFile), ttsCacheDir(fromFile)]).toEqual(
      ["audio", "recordings", "tts-cache"].map((d) => join(dir, "shared", d)),
    );
    expect(databaseFile(fromFile)).toBe(join(dir, "etc", "state", "parley.db"));

    const fromEnv = loadConfig({ env: { PARLEY_FILES__DIR: "/mnt/parley" }, cwd: dir }).config;
    expect(recordingsDir(fromEnv)).toBe("/mnt/parley/recordings");
    expect(() => loadConfig({ env: {}, cwd: dir, overrides: { files: { dir: "" } } })).toThrow(/files\.dir/);
  });
});

describe("reading a shared file", () => {
  it("serves a whole WAV, and refuses a cut one, a non-WAV and a missing one by name", async () => {
    const dir = scratchDir("parley-read-checks");
    const whole = join(dir, "whole.wav");
    writeFileSync(whole, wav(8000));
    await checkWavFile(whole);
    const cut = join(dir, "cut.wav");
    writeFileSync(cut, wav(8000).subarray(0, 5000));
    await expect(checkWavFile(cut)).rejects.toMatchObject({
      code: "file_damaged",
      status: 500,
      message: expect.stringMatching(/declares 16000 bytes but 4956 are present/),
    });
    const text = join(dir, "text.wav");
    writeFileSync(text, "not audio at all, but long enough to have a header");
    await expect(checkWavFile(text)).rejects.toMatchObject({ code: "file_damaged" });
    await expect(checkWavFile(join(dir, "gone.wav"))).rejects.toMatchObject({ code: "file_missing", status: 404 });
    // A streaming writer's "length unknown" marker is a whole file by the reader's policy.
    const open = wav(800);
    open.writeUInt32LE(0xffffffff, 40);
    writeFileSync(join(dir, "open.wav"), open);
    await checkWavFile(join(dir, "open.wav"));
  });

  it("reads content-addressed bytes only when they hash to their address", async () => {
    const dir = scratchDir("parley-read-checks");
    const bytes = wav(400);
    const sha = AudioStore.hash(bytes);
    writeFileSync(join(dir, "a.wav"), bytes);
    expect(Buffer.compare(await readVerified(join(dir, "a.wav"), sha), bytes)).toBe(0);
    writeFileSync(join(dir, "a.wav"), bytes.subarray(0, 300));
    await expect(readVerified(join(dir, "a.wav"), sha)).rejects.toMatchObject({
      code: "file_damaged",
      message: expect.stringContaining(`not ${sha.slice(0, 12)}`),
    });
  });
});

describe("writing a shared file", () => {
  it("the audio store writes past another node's temporary file and replaces a file of the wrong size", async () => {
    const dir = scratchDir("parley-audio-shared");
    const db = openDatabase(join(dir, "parley.db"));
    const store = new AudioStore(new SqliteSql(db), join(dir, "audio"));
    const bytes = wav(1600);
    const sha = AudioStore.hash(bytes);
    const final = join(dir, "audio", sha.slice(0, 2), `${sha}.wav`);
    mkdirSync(join(dir, "audio", sha.slice(0, 2)), { recursive: true });
    const foreign = `${final}.tmp-00112233aabbccdd`;
    writeFileSync(foreign, "half of something");
    expect(await store.writeFile(sha, bytes, "wav")).toBe(final);
    expect(Buffer.compare(readFileSync(final), bytes)).toBe(0);
    expect(readFileSync(foreign, "utf8")).toBe("half of something");

    // A file under the right name with the wrong size (something wrote it non-atomically): replaced whole.
    writeFileSync(final, bytes.subarray(0, 100));
    await store.writeFile(sha, bytes, "wav");
    expect(Buffer.compare(readFileSync(final), bytes)).toBe(0);
    // The right size: kept as it is (not rewritten by every node that stores the same message).
    const before = statSync(final).mtimeMs;
    await store.writeFile(sha, bytes, "wav");
    expect(statSync(final).mtimeMs).toBe(before);
    db.close();
  });

  it("a recording exists under its name only once the call ended, and a failed close leaves nothing", async () => {
    const dir = join(scratchDir("parley-recorder"), "recordings");
    const path = recordingFile(dir, 12);
    expect(recordingFile(dir, 12)).not.toBe(path);
    const recorder = await CallRecorder.create(path);
    for (let i = 0; i < 100; i++) (recorder.caller(new Int16Array(160).fill(5)), recorder.agent(null));
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).map(isTempName)).toEqual([true]);
    expect(await recorder.close()).toEqual({ path, bytes: 44 + 100 * 640 });
    expect(readdirSync(dir)).toEqual([path.slice(dir.length + 1)]);
    await checkWavFile(path);

    const doomed = await CallRecorder.create(recordingFile(dir, 13));
    doomed.caller(new Int16Array(160));
    // The folder vanished under it (an unmounted share): close fails, and no temporary file stays behind.
    rmSync(dir, { recursive: true });
    await expect(doomed.close()).rejects.toThrow();
    expect(existsSync(dir)).toBe(false);
  });
});
