import type { ParleyConfig } from "../config/index.js";
import { ModelError } from "../lib/errors.js";
import { modelFile, modelSetting, optionalModelFile, type ModelRef } from "./model-ref.js";

/**
 * Builds sherpa-onnx config objects from a catalog entry (which names the
 * files) and Parley's engine settings (threads, endpointing). Kept apart from
 * the engines so the mapping per model type is in one readable place.
 */
type Obj = Record<string, unknown>;

const common = (threads: number): Obj => ({ numThreads: threads, provider: "cpu", debug: 0 });

function withoutUndefined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function onlineRecognizerConfig(ref: ModelRef, asr: ParleyConfig["engines"]["asr"]): Obj {
  const tokens = modelFile(ref, "tokens");
  let modelConfig: Obj;
  switch (ref.model.engine) {
    case "sherpa-online-transducer":
      modelConfig = {
        transducer: {
          encoder: modelFile(ref, "encoder"),
          decoder: modelFile(ref, "decoder"),
          joiner: modelFile(ref, "joiner"),
        },
      };
      break;
    case "sherpa-online-paraformer":
      modelConfig = { paraformer: { encoder: modelFile(ref, "encoder"), decoder: modelFile(ref, "decoder") } };
      break;
    case "sherpa-online-tone-ctc":
      modelConfig = { toneCtc: { model: modelFile(ref, "model") } };
      break;
    default:
      throw new ModelError(
        "model_engine_mismatch",
        `model ${ref.model.id} (${ref.model.engine}) is not a streaming ASR model`,
      );
  }
  // Models exported without a model_type in their metadata (the Kroko zipformers) name it in the catalog: "zipformer2".
  const modelType = modelSetting<string | undefined>(ref, "modelType", undefined);
  return {
    featConfig: { sampleRate: 16000, featureDim: 80 },
    modelConfig: withoutUndefined({ ...modelConfig, tokens, modelType, ...common(asr.threads) }),
    decodingMethod: "greedy_search",
    enableEndpoint: 1,
    rule1MinTrailingSilence: asr.endpointIdleMs / 1000,
    rule2MinTrailingSilence: asr.endpointSilenceMs / 1000,
    rule3MinUtteranceLength: asr.maxUtteranceMs / 1000,
  };
}

export function offlineRecognizerConfig(ref: ModelRef, asr: ParleyConfig["engines"]["asr"]): Obj {
  let modelConfig: Obj;
  switch (ref.model.engine) {
    case "sherpa-offline-whisper":
      modelConfig = {
        whisper: {
          encoder: modelFile(ref, "encoder"),
          decoder: modelFile(ref, "decoder"),
          language: modelSetting(ref, "language", "en"),
          task: "transcribe",
          tailPaddings: modelSetting(ref, "tailPaddings", -1),
        },
      };
      break;
    case "sherpa-offline-moonshine":
      modelConfig = {
        moonshine: {
          preprocessor: modelFile(ref, "preprocessor"),
          encoder: modelFile(ref, "encoder"),
          uncachedDecoder: modelFile(ref, "uncachedDecoder"),
          cachedDecoder: modelFile(ref, "cachedDecoder"),
        },
      };
      break;
    case "sherpa-offline-sense-voice":
      modelConfig = {
        senseVoice: {
          model: modelFile(ref, "model"),
          language: modelSetting(ref, "language", "auto"),
          useInverseTextNormalization: 1,
        },
      };
      break;
    case "sherpa-offline-transducer":
      modelConfig = {
        transducer: {
          encoder: modelFile(ref, "encoder"),
          decoder: modelFile(ref, "decoder"),
          joiner: modelFile(ref, "joiner"),
        },
      };
      break;
    case "sherpa-offline-ctc": {
      // Which CTC slot (zipformerCtc, nemoCtc, wenetCtc...) the catalog names; the tiny test model uses one too.
      const slot = modelSetting(ref, "slot", "zipformerCtc");
      modelConfig = { [slot]: { model: modelFile(ref, "model") } };
      break;
    }
    default:
      throw new ModelError(
        "model_engine_mismatch",
        `model ${ref.model.id} (${ref.model.engine}) is not a batch ASR model for sherpa-onnx`,
      );
  }
  const modelType = modelSetting<string | undefined>(ref, "modelType", undefined);
  return {
    featConfig: { sampleRate: 16000, featureDim: modelSetting(ref, "featureDim", 80) },
    modelConfig: withoutUndefined({
      ...modelConfig,
      tokens: modelFile(ref, "tokens"),
      modelType,
      ...common(asr.threads),
    }),
    decodingMethod: "greedy_search",
  };
}

export function offlineTtsConfig(ref: ModelRef, tts: ParleyConfig["engines"]["tts"]): Obj {
  let model: Obj;
  switch (ref.model.engine) {
    case "sherpa-tts-vits":
      model = {
        vits: withoutUndefined({
          model: modelFile(ref, "model"),
          tokens: modelFile(ref, "tokens"),
          lexicon: optionalModelFile(ref, "lexicon"),
          dataDir: optionalModelFile(ref, "dataDir"),
          lengthScale: modelSetting<number | undefined>(ref, "lengthScale", undefined),
        }),
      };
      break;
    case "sherpa-tts-kokoro":
      model = {
        kokoro: withoutUndefined({
          model: modelFile(ref, "model"),
          voices: modelFile(ref, "voices"),
          tokens: modelFile(ref, "tokens"),
          dataDir: optionalModelFile(ref, "dataDir"),
          lexicon: optionalModelFile(ref, "lexicon"),
          lang: modelSetting<string | undefined>(ref, "lang", undefined),
        }),
      };
      break;
    case "sherpa-tts-matcha":
      model = {
        matcha: withoutUndefined({
          acousticModel: modelFile(ref, "acousticModel"),
          vocoder: modelFile(ref, "vocoder"),
          tokens: modelFile(ref, "tokens"),
          lexicon: optionalModelFile(ref, "lexicon"),
          dataDir: optionalModelFile(ref, "dataDir"),
        }),
      };
      break;
    default:
      throw new ModelError("model_engine_mismatch", `model ${ref.model.id} (${ref.model.engine}) is not a TTS model`);
  }
  // One sentence per call: Parley splits text itself so the first sentence plays early.
  return { model: { ...model, ...common(tts.threads) }, maxNumSentences: 1 };
}
