import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { patchWavHeader, wavHeader, WAV_HEADER_BYTES } from "../audio/index.js";

const FRAME = 160; // 20 ms at 8 kHz

/**
 * A stereo call recording (caller left, agent right), 8 kHz PCM16 WAV,
 * streamed to disk as the call goes: one caller frame and one agent frame per
 * 20 ms tick are paired, silence filling whichever side had nothing. The
 * header's sizes are patched when the call ends; a crash leaves a file whose
 * header says "to the end", which players and our reader accept.
 */
export class CallRecorder {
  private readonly callerFrames: Int16Array[] = [];
  private readonly agentFrames: (Int16Array | null)[] = [];
  private stream: WriteStream | null = null;
  private bytes = 0;

  private constructor(readonly path: string) {}

  static async create(path: string): Promise<CallRecorder> {
    await mkdir(dirname(path), { recursive: true });
    const r = new CallRecorder(path);
    r.stream = createWriteStream(path);
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

  /** Writes what is left and fixes the header's sizes. */
  async close(): Promise<{ path: string; bytes: number }> {
    this.flush(true);
    const s = this.stream;
    this.stream = null;
    if (s) await new Promise<void>((resolve) => s.end(resolve));
    const fh = await open(this.path, "r+");
    try {
      const header = wavHeader({ sampleRate: 8000, channels: 2 });
      patchWavHeader(header, this.bytes);
      await fh.write(header, 0, WAV_HEADER_BYTES, 0);
    } finally {
      await fh.close();
    }
    return { path: this.path, bytes: this.bytes + WAV_HEADER_BYTES };
  }
}
