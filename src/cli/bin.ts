import { processEnvironment } from "../config/runtime.js";
import { main } from "./main.js";

// The process entry of `parley` (bin/parley.js imports the compiled copy).
const controller = new AbortController();
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => controller.abort(new Error(`received ${sig}`)));
}
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: processEnvironment(),
  cwd: process.cwd(),
  signal: controller.signal,
});
