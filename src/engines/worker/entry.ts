import { parentPort } from "node:worker_threads";
import { Channel } from "../../lib/channel.js";
import type { CallContext, CallInput, WorkerEngine, WorkerEngineLoader } from "./engine-api.js";
import { LiveStatsWriter } from "./live-stats.js";
import { serializeError, type HostMessage, type WorkerEngineKind, type WorkerMessage } from "./protocol.js";
import { loadVad } from "./vad-worker.js";
import { loadOnlineAsr } from "./online-asr-worker.js";
import { loadOfflineAsr } from "./offline-asr-worker.js";
import { loadTts } from "./tts-worker.js";
import { loadTurn } from "./turn-worker.js";

// Worker thread entry: hosts one sherpa-onnx model and runs the calls the host sends.
const port = parentPort;
if (!port) throw new Error("engines/worker/entry must run in a worker thread");

const loaders: Record<WorkerEngineKind, WorkerEngineLoader> = {
  vad: loadVad,
  "online-asr": loadOnlineAsr,
  "offline-asr": loadOfflineAsr,
  tts: loadTts,
  turn: loadTurn,
};

let engine: WorkerEngine | null = null;
const active = new Map<number, { controller: AbortController; input: Channel<CallInput> }>();

const send = (m: WorkerMessage, transfer?: Parameters<typeof port.postMessage>[1]) => port.postMessage(m, transfer);

port.on("message", (m: HostMessage) => {
  switch (m.t) {
    case "load":
      void load(m.kind, m.config, m.stats);
      return;
    case "call":
      void runCall(m.id, m.op, m.args);
      return;
    case "push":
      active.get(m.id)?.input.push({ data: m.data, at: m.at });
      return;
    case "end":
      active.get(m.id)?.input.close();
      return;
    case "dispose":
      // Ending the thread by itself (rather than terminate()) lets the native
      // objects be released in order; a forced teardown can abort the process.
      for (const call of active.values()) {
        call.controller.abort();
        call.input.close();
      }
      active.clear();
      engine = null;
      port.close();
      return;
    case "cancel": {
      const call = active.get(m.id);
      call?.controller.abort();
      call?.input.close();
      active.delete(m.id);
      return;
    }
  }
});

/** The host sends calls only after "loaded", so nothing waits on a model still loading. */
async function load(kind: WorkerEngineKind, config: unknown, stats: SharedArrayBuffer): Promise<void> {
  try {
    engine = await loaders[kind](config, new LiveStatsWriter(stats));
    send({ t: "loaded", sampleRate: engine.sampleRate });
  } catch (err) {
    send({ t: "load-error", error: serializeError(err) });
  }
}

async function runCall(id: number, op: string, args: unknown): Promise<void> {
  const controller = new AbortController();
  const input = new Channel<CallInput>();
  active.set(id, { controller, input });
  const ctx: CallContext = {
    signal: controller.signal,
    input,
    emit: (data, transfer) => {
      if (!controller.signal.aborted) send({ t: "event", id, data }, transfer);
    },
  };
  try {
    if (!engine) throw new Error("no model loaded in this worker");
    const result = await engine.run(op, args, ctx);
    if (!controller.signal.aborted) send({ t: "done", id, result });
  } catch (err) {
    if (!controller.signal.aborted) send({ t: "error", id, error: serializeError(err) });
  } finally {
    active.delete(id);
  }
}
