import type { ParleyConfig } from "../config/index.js";
import { fliteSpeech } from "./flite-speech.js";
import { machineFacts } from "./stats.js";
import { BenchCallee } from "./notify/bench-callee.js";
import { BenchServer } from "./notify/bench-server.js";
import { benchCpu, benchPacing, benchRenders } from "./notify/measures.js";

export interface NotifyBenchOptions {
  config: ParleyConfig;
  cwd: string;
  /** Distinct pieces rendered cold, then warm. */
  pieces: number;
  /** Campaign pacing to measure (calls per second) and how many calls. */
  rate: number;
  pacingCalls: number;
  /** Notifications, then live calls of the same length, for the CPU comparison. */
  calls: number;
  log: (line: string) => void;
}

/**
 * `parley bench notify`: the outbound side, in one process against an
 * in-process callee on 127.0.0.1. (1) TTS renders per second through the
 * cache, cold vs warm; (2) how closely a campaign's dials follow the
 * configured rate; (3) CPU seconds per delivered notification against a live
 * call of the same length: the case for asynchronous being cheaper.
 */
export async function benchNotify(o: NotifyBenchOptions) {
  o.log(`loading profile ${o.config.profile}`);
  const server = await BenchServer.start(o.config, o.cwd);
  const callee = await BenchCallee.start();
  try {
    o.log(`rendering ${o.pieces} pieces, cold then warm`);
    const renders = await benchRenders(server, o.pieces);
    o.log(`pacing: ${o.pacingCalls} calls at ${o.rate}/s`);
    const pacing = await benchPacing(server, callee, o.rate, o.pacingCalls);
    o.log(`CPU: ${o.calls} notification(s), then ${o.calls} live call(s) of the same length`);
    const cpu = await benchCpu(
      server,
      callee,
      o.calls,
      fliteSpeech("Yes, that works for me. Thank you, see you tomorrow."),
    );
    return { bench: "notify", profile: o.config.profile, machine: machineFacts(), renders, pacing, cpu };
  } finally {
    await callee.close();
    await server.stop();
  }
}
