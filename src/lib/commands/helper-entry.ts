/**
 * The command helper process: runs the commands its parent (a server) sends,
 * so the fork for each happens here, in a small process, not in the server.
 * It ends with its parent (the IPC channel closes).
 */
import type { FromHelper, ToHelper } from "./protocol.js";
import { runLocal } from "./run-local.js";

const running = new Map<number, AbortController>();
const reply = (m: FromHelper) => process.send?.(m);

process.on("message", (m: ToHelper) => {
  if (m.t === "kill") return running.get(m.id)?.abort();
  const controller = new AbortController();
  running.set(m.id, controller);
  void runLocal(m.file, m.args, { ...(m.input ? { input: m.input } : {}), signal: controller.signal }).then(
    (result) => {
      running.delete(m.id);
      reply({ t: "done", id: m.id, result });
    },
  );
});
process.on("disconnect", () => {
  for (const c of running.values()) c.abort();
  process.exit(0);
});
