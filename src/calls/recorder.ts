import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { finished } from "node:stream/promises";
import { patchWavHeader, wavHeader, WAV_HEADER_BYTES } from "../audio/index.js";
import { discardTemp, publishTemp, tempPathFor } from "../store/files/index.js";

const FRAME = 160; // 20 ms at 8 kHz

/**
 * A stereo call recording (caller left, agent right), 8 kHz PCM16 WAV,
 * streamed to disk as the call goes: one caller frame and one agent frame per
 * 20 ms tick are paired, silence filling whichever side had nothing. It is
 * written to a temporary file beside `path` and published under `path` when
 * the call ends, header patched: in a folder shared by several nodes, nobody
 * ever reads a recording still being written, and a node that crashes
 * mid-call leaves only a temporary file, which a later sweep removes.
 */
export class CallRecorder {
  private readonly callerFrames: Int16Array[] = [];
  private readonly agentFrames: (Int16Array | null)[] = [];
  private stream: WriteStream | null = null;
  private bytes = 0;

  private readonly tmp: string;

  private constructor(readonly path: string) {
    this.tmp = tempPathFor(path);
  }

  static async create(path: string): Promise<CallRecorder> {
    await mkdir(dirname(path), { recursive: true });
    const r = new CallRecorder(path);
    r.stream = createWriteStream(r.tmp, { flags: "wx" });
    // A folder that cannot be written fails the start of the recording, not the call's end.
    await once(r.stream, "ready");
    // A write error (a full disk) must not crash the process mid-call: close() reports it through `finished`.
    r.stream.on("error", () => undefined);
    r.stream.write(wavHeader({ sampleRate: 8000, channels: 2 }));
    return r;
  }

  caller(pcm: Int16Array): void {
    this.callerFrames.push(pcm);
    this.flush(false);
  }

  /** The agent's 20 ms as it went out (null: silence); the buffer is reused by RTP, so it is copied. */
  agent(pcm: Int16Array | null): void {
    this.agentFrames.push(pcm ? pcm.slice() : null);
    this.flush(false);
  }

  private flush(all: boolean): void {
    const n = all
      ? Math.max(this.callerFrames.length, this.agentFrames.length)
      : Math.min(this.callerFrames.length, this.agentFrames.length);
    if (n === 0 || !this.stream) return;
    const out = new Int16Array(n * FRAME * 2);
    for (let f = 0; f < n; f++) {
      const c = this.callerFrames[f];
      const a = this.agentFrames[f];
      for (let i = 0; i < FRAME; i++) {
        out[(f * FRAME + i) * 2] = c?.[i] ?? 0;
        out[(f * FRAME + i) * 2 + 1] = a?.[i] ?? 0;
      }
    }
    this.callerFrames.splice(0, n);
    this.agentFrames.splice(0, n);
    this.stream.write(Buffer.from(out.buffer));
    this.bytes += out.byteLength;
  }

  /** Writes what is left, fixes the header's sizes and publishes the file under `path`. */
  async close(): Promise<{ path: string; bytes: number }> {
    try {
      this.flush(true);
      const s = this.stream;
      this.stream = null;
      if (s) {
        s.end();
        await finished(s);
      }
      const fh = await open(this.tmp, "r+");
      try {
        const header = wavHeader({ sampleRate: 8000, channels: 2 });
        patchWavHeader(header, this.bytes);
        await fh.write(header, 0, WAV_HEADER_BYTES, 0);
      } finally {
        await fh.close();
      }
    } catch (err) {
      await discardTemp(this.tmp).catch(() => undefined);
      throw err;
    }
    await publishTemp(this.tmp, this.path);
    return { path: this.path, bytes: this.bytes + WAV_HEADER_BYTES };
  }
}
