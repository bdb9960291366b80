import type { ParleyConfig } from "../../config/index.js";
import { offlineRecognizerConfig, offlineTtsConfig, onlineRecognizerConfig } from "../../engines/sherpa-config.js";
import { sileroVadConfig } from "../../engines/vad/sherpa-vad.js";
import { pull, type ModelCatalog, type ModelStore } from "../../models/index.js";
import { modelRoles } from "../../models/catalog-schema.js";
import { round } from "../stats.js";
import { openDecoder } from "./llm-decode.js";
import { batchMs, streamingMs, ttsMs, vadMs } from "./onnx-rtf.js";
import { toneBursts } from "./proofs.js";
import { turnMs } from "./turn-ms.js";

export interface DoubleFigure {
  role: string;
  id: string;
  standsInFor: string | null;
  /** LLM: forced decoding at the given threads, 1 sequence. */
  decodeTokensPerSec?: number;
  prefillTokensPerSec?: number;
  threads: number;
  /** Audio models: compute seconds per second of audio (TTS: per second of speech at 15 characters a second). */
  rtf?: number;
  msPerChar?: number;
  /** Turn model: median ms per prediction over 8 s of audio (features and inference), and as its caller waits for it. */
  msPerCall?: number;
  wallMsPerCall?: number;
}

const TTS_TEXT = "Thanks for calling. We will call you back tomorrow at ten. Goodbye!";

/** Installs (generates) a profile's models and measures each: tokens/s for the LLM, RTF at 1 thread for the audio models, ms per prediction for the turn model. */
export async function profileFigures(
  profile: string,
  o: {
    catalog: ModelCatalog;
    store: ModelStore;
    config: ParleyConfig;
    llmThreads: number;
    log: (line: string) => void;
  },
): Promise<DoubleFigure[]> {
  o.log(`installing ${profile} (generated on first use)`);
  await pull(profile, { catalog: o.catalog, store: o.store });
  const { models } = o.catalog.resolveProfile(profile);
  const figures: DoubleFigure[] = [];
  const asr = { ...o.config.engines.asr, threads: 1 };
  const audio = toneBursts(30);
  for (const role of modelRoles) {
    const model = models[role];
    const ref = { model, dir: o.store.dirOf(model.id) };
    const base = { role, id: model.id, standsInFor: model.standsInFor ?? null };
    o.log(`measuring ${role}: ${model.id}`);
    if (role === "llm") {
      const decoder = await openDecoder(`${ref.dir}/${String(model.config.file)}`, {
        threads: o.llmThreads,
        contextSize: 1024,
        prefill: 300,
        decode: 64,
        tokenIds: Array.from({ length: 26 }, (_, i) => 3 + 0x61 + i),
      });
      try {
        await decoder.run();
        const runs = [await decoder.run(), await decoder.run()];
        figures.push({
          ...base,
          threads: o.llmThreads,
          decodeTokensPerSec: round(Math.max(...runs.map((r) => r.decodeTokensPerSec)), 1),
          prefillTokensPerSec: round(Math.max(...runs.map((r) => r.prefillTokensPerSec)), 1),
        });
      } finally {
        await decoder.dispose();
      }
    } else if (role === "vad") {
      figures.push({
        ...base,
        threads: 1,
        rtf: round(
          vadMs(sileroVadConfig(`${ref.dir}/${String(model.config.model)}`, 16000, o.config.engines.vad), audio) /
            30000,
          4,
        ),
      });
    } else if (role === "asrStreaming") {
      figures.push({
        ...base,
        threads: 1,
        rtf: round(streamingMs(onlineRecognizerConfig(ref, asr), audio, 16000).ms / 30000, 4),
      });
    } else if (role === "asrBatch") {
      figures.push({
        ...base,
        threads: 1,
        rtf: round(batchMs(offlineRecognizerConfig(ref, asr), audio, 16000).ms / 30000, 4),
      });
    } else {
      const { ms } = await ttsMs(offlineTtsConfig(ref, { ...o.config.engines.tts, threads: 1 }), TTS_TEXT);
      figures.push({
        ...base,
        threads: 1,
        msPerChar: round(ms / TTS_TEXT.length, 2),
        rtf: round(ms / 1000 / (TTS_TEXT.length / 15), 4),
      });
    }
  }
  const turn = models.turn;
  if (turn) {
    o.log(`measuring turn: ${turn.id}`);
    figures.push({
      role: "turn",
      id: turn.id,
      standsInFor: turn.standsInFor ?? null,
      threads: 1,
      ...(await turnMs({ model: turn, dir: o.store.dirOf(turn.id) })),
    });
  }
  return figures;
}
