/**
 * The ONNX load doubles: each tiny graph (same inputs, same outputs, same
 * scripted words and tones) plus the extra compute of the real model it
 * stands in for (double-presets.ts), joined through a data-dependent zero
 * (onnx-load.ts). The VAD double is vad-double.ts.
 */
import { z } from "zod";
import { doublePresets, type DoublePreset } from "./double-presets.js";
import type { GeneratedFile } from "./generated-file.js";
import { scaleArg } from "./onnx-stages.js";
import { buildToneAsrBatch } from "./tone-asr-batch.js";
import { buildToneAsrStreaming } from "./tone-asr-streaming.js";
import { buildToneTts } from "./tone-tts.js";

const presetsOf = <K extends DoublePreset>(...ids: [K, ...K[]]) => z.enum(ids);

export const asrStreamingDoubleArgs = z
  .object({
    standIn: presetsOf("zipformer-en-20m-2023-02-17", "zipformer-en-2023-06-26"),
    scale: scaleArg,
  })
  .strict();

export const asrBatchDoubleArgs = z
  .object({
    standIn: presetsOf("whisper-tiny.en-int8", "whisper-base.en-int8"),
    scale: scaleArg,
  })
  .strict();

export const ttsDoubleArgs = z
  .object({
    standIn: presetsOf("piper-en_us-amy-low"),
    scale: scaleArg,
  })
  .strict();

type Args = { standIn: DoublePreset; scale: number };
const pad = (a: Args) => ({ stages: doublePresets[a.standIn](), scale: a.scale, seed: a.standIn });

/** The tiny streaming recogniser (T-one slot) with a streaming zipformer's compute per 300 ms chunk. */
export function buildAsrStreamingDouble(args: z.infer<typeof asrStreamingDoubleArgs>): GeneratedFile[] {
  return buildToneAsrStreaming({}, pad(args));
}

/** The tiny batch recogniser (offline CTC slot) with Whisper's compute per 30 s window and per token. */
export function buildAsrBatchDouble(args: z.infer<typeof asrBatchDoubleArgs>): GeneratedFile[] {
  return buildToneAsrBatch({}, pad(args));
}

/** The tiny tone voice (VITS slot) with Piper's compute per character. */
export function buildTtsDouble(args: z.infer<typeof ttsDoubleArgs>): GeneratedFile[] {
  return buildToneTts({}, pad(args));
}
