import { readFileSync } from "node:fs";
import { float32ToInt16, parseWav, Resampler, rms, type Frame } from "../../src/audio/index.js";
import { rtpSection } from "../../src/config/sections/rtp.js";
import { RtpSession } from "../../src/rtp/index.js";

/**
 * A phone line on loopback: two real RTP sessions, one the agent's (handed
 * to the code under test), one the caller's (driven by the test). The caller
 * side records what it hears, 20 ms at a time, with arrival times.
 */
export interface Line {
  agent: RtpSession;
  caller: RtpSession;
  /** What the caller heard: one entry per 20 ms frame. */
  heard: { at: number; rms: number }[];
  /** Plays 8 kHz PCM from the caller's side (what the caller says). */
  say(pcm: Int16Array): Promise<void>;
  close(): Promise<void>;
}

const config = rtpSection.parse({ jitterBuffer: { minMs: 40, initialMs: 60, maxMs: 300 } });

/** `echoGain`: the caller's phone sends back what it hears at this gain (line echo), as real lines do. */
export async function openLine(options: { echoGain?: number } = {}): Promise<Line> {
  const agent = await RtpSession.open({ config, port: 0 });
  const caller = await RtpSession.open({ config, port: 0 });
  agent.start({ remoteAddress: "127.0.0.1", remotePort: caller.localPort, codec: "pcmu", telephoneEventPt: 101 });
  caller.start({ remoteAddress: "127.0.0.1", remotePort: agent.localPort, codec: "pcmu", telephoneEventPt: 101 });
  const heard: Line["heard"] = [];
  const reading = (async () => {
    for await (const f of caller.frames) {
      heard.push({ at: performance.now(), rms: rms(f.pcm) });
      if (options.echoGain !== undefined && !caller.closed) {
        const back = new Int16Array(f.pcm.length);
        for (let i = 0; i < back.length; i++) back[i] = Math.round(f.pcm[i]! * options.echoGain);
        caller.play(back);
      }
    }
  })();
  return {
    agent,
    caller,
    heard,
    async say(pcm) {
      await caller.play(pcm).done;
    },
    async close() {
      await Promise.all([agent.close(), caller.close()]);
      await reading;
    },
  };
}

/** A WAV file as 8 kHz PCM16, the way a phone would send it. */
export function wavTo8k(path: string): Int16Array {
  const w = parseWav(readFileSync(path));
  return float32ToInt16(w.sampleRate === 8000 ? w.samples : new Resampler(w.sampleRate, 8000).process(w.samples));
}

export function silencePcm(ms: number): Int16Array {
  return new Int16Array((ms * 8000) / 1000);
}

/** Frames the caller heard with agent audio in them (above a floor that G.711 silence never reaches). */
export function audible(heard: Line["heard"], from = 0, to = Infinity): number {
  return heard.filter((h) => h.at >= from && h.at < to && h.rms > 0.01).length;
}

export const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls a condition (bounded). */
export async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await wait(20);
  }
}

export type { Frame };
