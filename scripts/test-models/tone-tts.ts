/**
 * A tone "voice" in sherpa-onnx's VITS slot (`OfflineTts`, `model.vits`) with
 * the characters frontend, so no espeak-ng data or lexicon is needed. Each
 * input character becomes 16 ms (256 samples at 16 kHz) of a sine whose pitch
 * depends on the character; spaces are silent, so words come out as bursts
 * with gaps. Not speech: a deterministic test double whose audio length is
 * proportional to the text.
 *
 * The VITS contract (sherpa-onnx/csrc/offline-tts-vits-model.cc):
 *   inputs   x int64 [1, T] token ids, x_length int64 [1], scales float [3]
 *            (noise_scale, length_scale, noise_scale_w; ignored here)
 *   output   y float [1, 1, samples]
 *   metadata model_type=vits, comment=coqui, frontend=characters, sample_rate, ...
 *
 * Engine config (sherpa-onnx-node 1.13.x):
 *   new OfflineTts({ model: { vits: { model: "model.onnx", tokens: "tokens.txt" },
 *     numThreads: 1, provider: "cpu" }, maxNumSentences: 1 })
 *   tts.generate({ text, sid: 0, speed: 1 })  -> { samples: Float32Array, sampleRate: 16000 }
 */
import { z } from "zod";
import type { GeneratedFile } from "./generated-file.js";
import { GraphBuilder } from "./onnx-graph.js";
import { padOutput, type LoadPad } from "./onnx-stages.js";
import { attr, DataType } from "./onnx-writer.js";

export const toneTtsArgs = z.object({}).strict();
export type ToneTtsArgs = z.infer<typeof toneTtsArgs>;

const SAMPLE_RATE = 16000;
const SAMPLES_PER_CHAR = 256;
const AMPLITUDE = 0.3;
/** Angular step per sample: a base pitch (~127 Hz) plus ~5 Hz per token id. */
const BASE_STEP = 0.05;
const STEP_PER_ID = 0.002;

/** Characters the voice knows; id 1 is the space (a tokens.txt line with only an id). */
const CHARACTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789,.!?'-";
const SPACE_ID = 1;
const FIRST_CHAR_ID = 2;

/** Builds model.onnx and tokens.txt; with `pad`, the load double (same audio, the real voice's compute per character). */
export function buildToneTts(_args: ToneTtsArgs, pad?: LoadPad): GeneratedFile[] {
  const vocab = FIRST_CHAR_ID + CHARACTERS.length;
  const g = new GraphBuilder("tone_vits");
  const x = g.input("x", DataType.INT64, [1, "T"]);
  g.input("x_length", DataType.INT64, [1]);
  g.input("scales", DataType.FLOAT, [3]);
  g.output("y", DataType.FLOAT, [1, 1, "samples"]);

  // phase[t, n] = (BASE_STEP + id_t · STEP_PER_ID) · n for n in [0, 256)
  const ids = g.op("Unsqueeze", [g.op("Cast", [x], { to: attr.int(DataType.FLOAT) }), g.int64([1], [2])]); // [1,T,1]
  const step = g.op("Add", [g.op("Mul", [ids, g.float([], [STEP_PER_ID])]), g.float([], [BASE_STEP])]);
  const ramp = g.float(
    [1, 1, SAMPLES_PER_CHAR],
    Array.from({ length: SAMPLES_PER_CHAR }, (_, n) => n),
    "sample_index",
  );
  const tone = g.op("Sin", [g.op("Mul", [step, ramp])]); // [1,T,256]

  // Loudness per token: silent for the space (and the unused ids 0), AMPLITUDE otherwise.
  const gains = Array.from({ length: vocab }, (_, id) => (id >= FIRST_CHAR_ID ? AMPLITUDE : 0));
  const gain = g.op("Unsqueeze", [
    g.op("Gather", [g.float([vocab], gains, "char_gain"), x], { axis: attr.int(0) }),
    g.int64([1], [2]),
  ]); // [1,T,1]
  if (!pad) g.op("Reshape", [g.op("Mul", [tone, gain]), g.int64([3], [1, 1, -1])], {}, "y");
  else {
    const chars = g.op("Slice", [g.op("Shape", [x]), g.int64([1], [1]), g.int64([1], [2])]);
    const scripted = g.op("Reshape", [g.op("Mul", [tone, gain]), g.int64([3], [1, 1, -1])]);
    padOutput(g, pad, { char: chars }, g.op("Cast", [x], { to: attr.int(DataType.FLOAT) }), scripted, "y");
  }

  const metadata = {
    model_type: "vits",
    comment: "coqui",
    frontend: "characters",
    language: "English",
    sample_rate: String(SAMPLE_RATE),
    n_speakers: "1",
    add_blank: "0",
    use_eos_bos: "0",
    blank_id: "0",
    bos_id: "0",
    eos_id: "0",
    pad_id: "0",
    punctuation: "",
  };
  // tokens.txt: "<char> <id>"; a line holding only an id is the space.
  const lines = [` ${SPACE_ID}`, ...[...CHARACTERS].map((c, i) => `${c} ${i + FIRST_CHAR_ID}`)];
  return [
    { name: "model.onnx", data: g.toBytes("parley/scripts/test-models", metadata) },
    { name: "tokens.txt", data: lines.join("\n") + "\n" },
  ];
}
