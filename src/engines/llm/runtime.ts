import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";

let instance: Promise<Llama> | null = null;
let instanceGpu: false | "auto" | null = null;

/**
 * The process-wide llama.cpp binding. `build: "never"`: node-llama-cpp must
 * use its prebuilt binaries and never start a silent multi-minute source build
 * (see MODELS.md). Loaded once; every model shares it.
 */
export function llamaRuntime(gpu: false | "auto"): Promise<Llama> {
  if (instance && instanceGpu === gpu) return instance;
  instanceGpu = gpu;
  instance = getLlama({ gpu, build: "never", logLevel: LlamaLogLevel.error, progressLogs: false }).catch(
    (err: unknown) => {
      instance = null;
      throw err;
    },
  );
  return instance;
}
