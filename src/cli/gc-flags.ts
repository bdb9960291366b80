/**
 * Keeps V8's stop-the-world collection work on the collecting thread itself
 * (no helper tasks) for the whole `parley` process. Imported first by the
 * CLI entry, before any worker thread exists.
 *
 * Why: by default a scavenge (and a compaction) splits its work into tasks
 * on V8's shared pool of helper threads and waits for them. Those run at
 * normal priority; when the engines and other services saturate the CPUs
 * they wait their turn, and the thread that is collecting waits with them
 * (priority inversion). Measured on a 2-core box with two CPU hogs: the
 * realtime media thread, idle on CPU, stood 100-230 ms inside scavenges
 * that are 1-3 ms of work, and its packets left that late; the main
 * thread's scavenges reached 190 ms. With the work on the thread itself,
 * each pause has that thread's own priority and cost (with
 * --single-threaded-gc in the same run: media thread under 15 ms, main
 * thread about 50 ms), and on a small box it costs little: the helpers had
 * no idle core to use anyway. Concurrent marking stays as it is (it runs
 * beside the program, not in its pauses).
 *
 * These three flags are read at each collection, so setting them after V8
 * started is safe; --single-threaded-gc itself is not (it aborts V8 when
 * set at run time), but an operator may start node with it, or with
 * --parallel-scavenge to keep the default, and that is respected.
 */
import { setFlagsFromString } from "node:v8";

const FLAGS = ["--no-parallel-scavenge", "--no-parallel-compaction", "--no-parallel-pointer-update"];

if (
  !process.execArgv.some((a) =>
    /single-threaded-gc|parallel-scavenge|parallel-compaction|parallel-pointer-update/.test(a),
  )
) {
  for (const flag of FLAGS) setFlagsFromString(flag);
}
