import "./gc-flags.js"; // first: before any other module runs or any thread starts (see there)
import { processEnvironment } from "../config/runtime.js";
import { main } from "./main.js";

// The process entry of `parley` (bin/parley.js imports the compiled copy).
// Signal handlers stay installed (process.on, not once): a library's
// signal-exit hook re-raises a signal when it believes nobody else listens,
// which would kill the process in the middle of a graceful shutdown.
const controller = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    if (controller.signal.aborted) {
      process.stderr.write(`parley: second ${sig}, exiting without cleanup\n`);
      process.exit(128 + (sig === "SIGINT" ? 2 : 15));
    }
    controller.abort(new Error(`received ${sig}`));
  });
}
// A child that must not outlive its parent (the benchmarks' `parley serve`): the parent holds our stdin open, and
// when it dies, even by SIGKILL, the pipe ends and we stop as on SIGTERM. Only with the variable set: an ordinary
// start's stdin may be /dev/null, which ends at once.
if (process.env.PARLEY_STOP_WITH_PARENT === "1") {
  process.stdin.on("end", () => controller.abort(new Error("the parent process is gone (stdin closed)")));
  process.stdin.resume();
}
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: processEnvironment(),
  cwd: process.cwd(),
  signal: controller.signal,
});
