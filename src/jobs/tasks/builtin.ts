import { z } from "zod";
import { sleep } from "../../lib/abort.js";
import { ParleyError } from "../../lib/errors.js";
import type { TaskRegistry } from "./registry.js";

const sleepPayload = z.object({ ms: z.number().int().min(0).max(3_600_000) }).strict();

/**
 * Harmless kinds for tests, benchmarks and checking a deployment:
 * `noop` returns at once; `sleep` waits `{ ms }` (honouring the abort signal),
 * which stands in for a long inference task.
 */
export function registerBuiltinTasks(registry: TaskRegistry): TaskRegistry {
  registry.register("noop", async () => null);
  registry.register("sleep", {
    parsePayload: (payload) => {
      const r = sleepPayload.safeParse(payload);
      if (!r.success)
        throw new ParleyError("job_invalid", `sleep payload: expected { ms: 0..3600000 }`, { status: 400 });
      return r.data;
    },
    run: async ({ ms }, { signal }) => {
      await sleep(ms, signal);
      return { sleptMs: ms };
    },
  });
  return registry;
}
