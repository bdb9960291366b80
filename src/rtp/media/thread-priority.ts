/**
 * The media thread's scheduling (Linux), set from inside the thread on its
 * own id. Nothing on this thread uses much CPU, so putting it ahead of the
 * others cannot starve them; what it buys is waking on time when the CPUs
 * are saturated (the engines of this process, or other services on the box).
 */
import { execFileSync } from "node:child_process";
import { readlinkSync, writeFileSync } from "node:fs";
import { setPriority } from "node:os";

export type MediaThreadPriority = "normal" | "high" | "realtime";

export interface PriorityOutcome {
  asked: MediaThreadPriority;
  got: MediaThreadPriority;
  /** Why it is not what was asked (no permission, no chrt, not Linux). */
  error: string | null;
}

const NICE_HIGH = -10;
const RR_PRIORITY = "10";

/** Applies `asked` to thread `tid`; falls back a level at a time and says why. */
export function applyThreadPriority(tid: number | null, asked: MediaThreadPriority): PriorityOutcome {
  if (asked === "normal") return { asked, got: "normal", error: null };
  if (tid === null) return { asked, got: "normal", error: "thread priorities are only set on Linux" };
  let error: string | null = null;
  if (asked === "realtime") {
    try {
      // Node has no sched_setscheduler; util-linux's chrt is on every Linux that has /proc/thread-self.
      execFileSync("chrt", ["--rr", "--pid", RR_PRIORITY, String(tid)], {
        stdio: ["ignore", "ignore", "pipe"],
        timeout: 5000,
      });
      return { asked, got: "realtime", error: null };
    } catch (err) {
      error = `SCHED_RR refused: ${firstLine(err)}`;
    }
  }
  try {
    setPriority(tid, NICE_HIGH);
    return { asked, got: "high", error };
  } catch (err) {
    return {
      asked,
      got: "normal",
      error: [error, `nice ${NICE_HIGH} refused: ${firstLine(err)}`].filter(Boolean).join("; "),
    };
  }
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: Buffer; message?: string };
  const text = e.stderr?.toString().trim() || e.message || String(err);
  return text.split("\n")[0]!;
}

/**
 * The calling thread's Linux id (for its scheduling and its CPU figures in /proc), named `name` when given so
 * `top -H` shows it; null elsewhere.
 */
export function currentThreadId(name?: string): number | null {
  try {
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (name) writeFileSync("/proc/thread-self/comm", name);
    return Number.isInteger(tid) ? tid : null;
  } catch {
    return null;
  }
}
