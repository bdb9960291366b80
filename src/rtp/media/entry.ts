/**
 * A media worker thread: receives the main thread's messages and runs the
 * MediaHost on the real clock. Nothing else runs here, so no inference
 * callback, SQLite write or HTTP request on the main thread can delay a
 * packet.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type MediaThreadPriority, applyThreadPriority, currentThreadId } from "./thread-priority.js";
import { SharedFigures } from "../shared-figures.js";
import { realTimers } from "../timer-source.js";
import { MediaHost } from "./media-host.js";
import { type FromMedia, PLANE_COUNTERS, PLANE_HISTOGRAMS, type ToMedia } from "./protocol.js";

const port = parentPort;
if (port === null) throw new Error("the media worker must run in a worker thread");
const data = workerData as { plane: SharedArrayBuffer; priority: MediaThreadPriority };
const plane = new SharedFigures(PLANE_COUNTERS, PLANE_HISTOGRAMS, data.plane);
const host = new MediaHost((m, transfer) => port.postMessage(m, transfer), realTimers, plane);
port.on("message", (m: ToMedia) => host.handle(m));
const tid = currentThreadId("parley-media");
port.postMessage({
  t: "ready",
  timeOrigin: performance.timeOrigin,
  tid,
  priority: applyThreadPriority(tid, data.priority),
} satisfies FromMedia);
