import type { ModelRef } from "../../engines/model-ref.js";
import { SmartTurnDetector } from "../../engines/turn/smart-turn.js";
import { median, round } from "../stats.js";
import { toneBursts } from "./proofs.js";

/**
 * A turn model's time per prediction over a full 8 s window, one worker, one
 * onnxruntime thread (Smart Turn's reference setting): the model's own time
 * (features and inference, in its worker) and the call's as the caller sees it.
 */
export async function turnMs(ref: ModelRef, runs = 10): Promise<{ msPerCall: number; wallMsPerCall: number }> {
  const turn = await SmartTurnDetector.load(ref, { threads: 1, workers: 1 });
  try {
    const audio = { samples: toneBursts(8), sampleRate: 16000 };
    const signal = AbortSignal.timeout(120_000);
    for (let i = 0; i < 2; i++) await turn.predict(audio, { signal }); // warm-up: first runs allocate
    const model: number[] = [];
    const wall: number[] = [];
    for (let i = 0; i < runs; i++) {
      const p = await turn.predict(audio, { signal });
      model.push(p.modelMs);
      wall.push(p.ms);
    }
    return { msPerCall: round(median(model), 1), wallMsPerCall: round(median(wall), 1) };
  } finally {
    await turn.dispose();
  }
}
