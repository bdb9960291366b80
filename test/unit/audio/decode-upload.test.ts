import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commandHelperPid, startCommandHelper, stopCommandHelper } from "../../../src/lib/commands/helper.js";
import { scratchDir } from "../../helpers/scratch.js";
import { decodeUpload, encodeWav, sine } from "../../../src/audio/index.js";

const FFMPEG = existsSync("/usr/bin/ffmpeg") ? "/usr/bin/ffmpeg" : null;
const noFfmpeg = FFMPEG ? false : "ffmpeg is not installed (apt-get install ffmpeg)";

/** 2 s of a tone as Asterisk's wav49 (GSM 6.10 in a WAV), made by ffmpeg. */
async function wav49(scratch: string): Promise<Buffer> {
  const dir = scratchDir(scratch);
  const { writeFileSync } = await import("node:fs");
  const pcm = join(dir, "in.wav");
  writeFileSync(pcm, encodeWav({ channels: [sine(440, { sampleRate: 8000, durationMs: 2000 })], sampleRate: 8000 }));
  execFileSync(FFMPEG!, ["-loglevel", "error", "-i", pcm, "-c:a", "gsm_ms", join(dir, "wav49.wav")]);
  return readFileSync(join(dir, "wav49.wav"));
}

describe("decoding uploaded recordings", () => {
  it("reads WAV in process", async () => {
    const wav = encodeWav({ channels: [sine(440, { sampleRate: 8000, durationMs: 500 })], sampleRate: 8000 });
    const d = await decodeUpload(wav, { ffmpeg: null });
    expect(d.sampleRate).toBe(8000);
    expect(d.durationMs).toBe(500);
  });

  it("rejects empty, over-size and non-WAV audio without ffmpeg with 400/413/415", async () => {
    await expect(decodeUpload(new Uint8Array(), { ffmpeg: null })).rejects.toMatchObject({
      status: 400,
      code: "audio_empty",
    });
    await expect(decodeUpload(new Uint8Array(100), { ffmpeg: null, maxBytes: 10 })).rejects.toMatchObject({
      status: 413,
    });
    await expect(decodeUpload(Buffer.from("ID3\x04 not a wav"), { ffmpeg: null })).rejects.toMatchObject({
      status: 415,
      code: "audio_unsupported",
    });
  });

  it.skipIf(noFfmpeg)("decodes other formats through ffmpeg, and enforces the duration limit", async () => {
    const dir = scratchDir("upload");
    const wavPath = join(dir, "in.wav");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      wavPath,
      encodeWav({ channels: [sine(440, { sampleRate: 16000, durationMs: 3000 })], sampleRate: 16000 }),
    );
    execFileSync(FFMPEG!, ["-loglevel", "error", "-i", wavPath, "-c:a", "libvorbis", join(dir, "in.ogg")]);
    const ogg = readFileSync(join(dir, "in.ogg"));
    const d = await decodeUpload(ogg, { ffmpeg: FFMPEG });
    expect(d.sampleRate).toBe(16000);
    expect(Math.abs(d.durationMs - 3000)).toBeLessThan(100);
    await expect(decodeUpload(ogg, { ffmpeg: FFMPEG, maxDurationMs: 1000 })).rejects.toMatchObject({
      status: 413,
      code: "audio_too_long",
    });
    await expect(
      decodeUpload(Buffer.from("garbage that is not audio at all".repeat(20)), { ffmpeg: FFMPEG }),
    ).rejects.toMatchObject({ status: 415 });
  });

  it.skipIf(noFfmpeg)(
    "decodes a WAV whose codec is not read in process (GSM 6.10, Asterisk's wav49) through ffmpeg; without ffmpeg it is a 415 naming the codec",
    async () => {
      const gsm = await wav49("upload-gsm");
      expect(gsm.subarray(20, 22).readUInt16LE(0)).toBe(0x31);
      const d = await decodeUpload(gsm, { ffmpeg: FFMPEG });
      expect(Math.abs(d.durationMs - 2000)).toBeLessThan(100);
      await expect(decodeUpload(gsm, { ffmpeg: null })).rejects.toMatchObject({
        status: 415,
        message: expect.stringContaining("GSM 6.10"),
      });
    },
  );

  it.skipIf(noFfmpeg)("through a server's command helper: the same decoding and the same errors", async () => {
    await startCommandHelper();
    try {
      expect(commandHelperPid()).not.toBeNull();
      const d = await decodeUpload(await wav49("upload-helper"), { ffmpeg: FFMPEG });
      expect(Math.abs(d.durationMs - 2000)).toBeLessThan(100);
      await expect(
        decodeUpload(Buffer.from("garbage that is not audio at all".repeat(20)), { ffmpeg: FFMPEG }),
      ).rejects.toMatchObject({ status: 415, code: "audio_unsupported" });
      await expect(
        decodeUpload(Buffer.from("ID3\x04 not a wav"), { ffmpeg: "/nonexistent/ffmpeg" }),
      ).rejects.toMatchObject({
        status: 500,
        code: "audio_decode_failed",
        message: expect.stringContaining("ENOENT"),
      });
    } finally {
      stopCommandHelper();
    }
  });
});
