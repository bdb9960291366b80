import type { CommandResult } from "./run-local.js";

/** Parent to helper. */
export type ToHelper =
  { t: "run"; id: number; file: string; args: string[]; input: Uint8Array | null } | { t: "kill"; id: number };

/** Helper to parent. */
export type FromHelper = { t: "done"; id: number; result: CommandResult };
