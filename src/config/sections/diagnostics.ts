import { z } from "zod";

/**
 * Knobs for load tests and fault drills, all off by default. Never set them
 * in production: they make the server worse on purpose.
 */
const stallMainThread = z
  .object({
    /** Every this many ms, block the main thread (busy-wait); 0 turns it off. */
    everyMs: z.number().int().min(0).max(600_000).default(0),
    /** Each stall lasts between minMs and maxMs (a fixed, repeating spread). */
    minMs: z.number().int().min(1).max(10_000).default(200),
    maxMs: z.number().int().min(1).max(10_000).default(400),
  })
  .strict()
  .refine((s) => s.minMs <= s.maxMs, { message: "diagnostics.stallMainThread needs minMs <= maxMs" });

export const diagnosticsSection = z
  .object({
    /**
     * Blocks the main event loop the way a slow inference callback, a big
     * SQLite write or a GC pause would, to show that call media does not
     * notice (the RTP-under-load test uses it).
     */
    stallMainThread: stallMainThread.prefault({}),
  })
  .strict();

export type DiagnosticsConfig = z.infer<typeof diagnosticsSection>;
