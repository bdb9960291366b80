/**
 * The bench caller's thread: every bench call's RTP endpoint, and nothing
 * else. The server under test saturates the box's cores; on the bench's main
 * thread (SIP, HTTP, bookkeeping) the caller's clock ran up to 30-270 ms
 * late, which showed as gaps in the agent's audio and as latency that was
 * not the server's. Here, at realtime priority like the server's own media
 * thread, it hears packets when they arrive.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parentPort } from "node:worker_threads";
import { applyThreadPriority, currentThreadId } from "../../rtp/media/thread-priority.js";
import { CallerEndpoint } from "./caller-endpoint.js";
import type { FromCaller, ToCaller } from "./caller-protocol.js";

const port = parentPort;
if (port === null) throw new Error("the bench caller must run in a worker thread");
const send = (m: FromCaller) => port.postMessage(m);
const endpoints = new Map<number, CallerEndpoint>();
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

port.on("message", (m: ToCaller) => {
  switch (m.t) {
    case "open":
      CallerEndpoint.open().then(
        (e) => {
          endpoints.set(m.id, e);
          send({ t: "opened", id: m.id, port: e.port });
        },
        (err: Error) => send({ t: "failed", id: m.id, error: err.message }),
      );
      return;
    case "run": {
      const e = endpoints.get(m.id);
      if (!e) return send({ t: "failed", id: m.id, error: "no such endpoint" });
      e.run(m.remote, m.speech, m.options).then(
        (measure) => send({ t: "measured", id: m.id, measure }),
        (err: Error) => send({ t: "failed", id: m.id, error: err.message }),
      );
      return;
    }
    case "stop":
      endpoints.get(m.id)?.stop();
      return;
    case "close":
      endpoints.get(m.id)?.close();
      endpoints.delete(m.id);
      return;
    case "loop":
      send({ t: "loop", maxMs: loop.max / 1e6 });
      loop.reset();
      return;
  }
});

send({ t: "ready", priority: applyThreadPriority(currentThreadId("parley-caller"), "realtime") });
