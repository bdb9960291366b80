/**
 * Messages between an engine's host (main thread) and its worker thread.
 * A "call" is one request; it may stream events back before its "done", and
 * an open call (a session) accepts "push"ed input until "end" or "cancel".
 */
export type WorkerEngineKind = "vad" | "online-asr" | "offline-asr" | "tts" | "turn";

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

export type HostMessage =
  /** `stats` is where the worker publishes its live queueing delay (live-stats.ts). */
  | { t: "load"; kind: WorkerEngineKind; config: unknown; stats: SharedArrayBuffer }
  | { t: "call"; id: number; op: string; args: unknown }
  /** `at`: when the host sent it (epoch ms, live-stats.ts), so the worker can tell how long input waited. */
  | { t: "push"; id: number; data: unknown; at: number }
  | { t: "end"; id: number }
  | { t: "cancel"; id: number }
  /** Release the model and let the thread end by itself. */
  | { t: "dispose" };

export type WorkerMessage =
  | { t: "loaded"; sampleRate: number }
  | { t: "load-error"; error: SerializedError }
  | { t: "event"; id: number; data: unknown }
  | { t: "done"; id: number; result: unknown }
  | { t: "error"; id: number; error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name, message: err.message, ...(typeof code === "string" ? { code } : {}) };
  }
  return { name: "Error", message: String(err) };
}
