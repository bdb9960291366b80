/**
 * The real networks the ONNX load doubles stand in for, as stages of extra
 * compute (onnx-stages.ts). Shapes come from the models' published configs;
 * each layer's matmuls are written as a MAC-equivalent chain [D, W, D]
 * (2·D·W multiply-accumulates per row), attention as scores over the
 * positions a row sees. Rows per unit are frame rates times the unit length.
 *
 * Streaming zipformer (icefall), per 300 ms chunk (the T-one slot's chunk);
 * 100 Hz fbank frames, conv embedding to 50 Hz, stack i runs at 50/d_i Hz:
 *  - 20M, 2023-02-17 (pruned_transducer_stateless7_streaming, "small"):
 *    5 stacks of 2 layers, d = 1,2,4,8,2, D = 256, attention dim A = 192,
 *    FFN 768, 4 heads; chunk 32 feature frames (16 at 50 Hz), 4 left chunks
 *    (64 frames at 50 Hz). A layer has three FFNs (3 x 2·D·FF), attention
 *    in_proj D->2A plus two value/out pairs D->A/2->D (together 2·D·2A ≈
 *    chain [D, 384, D]), two conv modules (pointwise D->2D, depthwise, D->D:
 *    3D² each, chain [D, 3D/2, D]); attention scores over (64 + 16)/d
 *    positions of width A. Conv2dSubsampling ≈ 70 M MACs/s: chain
 *    [160, 1024, 1024, D] on the 50 Hz rows. Joiner D->512->500 at 25 Hz.
 *    Total ≈ 0.5 G MACs per second of audio, int8 (the catalog's int8 encoder
 *    and joiner).
 *  - 2023-06-26 (Zipformer2, chunk 16, left 128): 6 stacks, layers 2,2,3,4,3,2,
 *    d = 1,2,4,8,4,2, D = 192,256,384,512,384,256, FFN 512,768,1024,1536,1024,768,
 *    heads 4,4,4,8,4,4, query head dim 32, value head dim 12, pos head dim 4.
 *    Three FFNs of 3/4, 1, 5/4 x FF (= 3 chains [D, FF, D]); attention
 *    in_proj D->H·68 plus two value/out pairs D->H·12->D (116·D·H = chain
 *    [D, 58H, D]); non-linear attention and two conv modules, 3D² each
 *    (3 chains [D, 3D/2, D]); scores of width H·28 (query 32 + 2 x value 12,
 *    halved for the score/sum pair) over (128 + 16)/d positions. Joiner
 *    512->512->500 at 25 Hz. ≈ 1.0 G MACs per second, int8.
 *
 * Whisper (sherpa-onnx export, int8), per 30 s window (Whisper always encodes
 * 30 s: 3,000 mel frames, 1,500 encoder positions) and per decoded token:
 *  - tiny.en: D = 384, 4 encoder and 4 decoder layers, 6 heads, MLP 4D,
 *    vocabulary 51,864; base.en: D = 512, 6 + 6 layers, 8 heads.
 *  - encoder: conv1 80->D k3 on 3,000 frames ([240, D]), conv2 D->D k3
 *    stride 2 ([3D, D] on 1,500); per layer qkv 3D², out D², MLP 8D² (chain
 *    [D, 6D, D]) and full self-attention over the 1,500 positions.
 *  - cross-attention keys/values: [D, 2D] per decoder layer on the 1,500 rows.
 *  - decoder, per token: 14D² per layer (self qkv+out, cross q+out, MLP:
 *    chain [D, 7D, D]), cross scores over 1,500, logits D->51,864.
 *    Tokens: 4 per window (start-of-transcript, language, task,
 *    no-timestamps) plus 3 per second of audio (about 150 words a minute at
 *    1.3 tokens a word). The double decodes them as one batch of rows, where
 *    the real decoder runs one token at a time and reads its weights each
 *    time: the decoder part is cheaper here than on the real model.
 *
 * Piper en_US amy-low (VITS, fp32, 16 kHz, hop 256: 62.5 frames/s): piper's
 * default ("low"/"medium") hyperparameters: hidden 192, filter 768, 2 heads,
 * 6 text-encoder layers, 4 flow coupling layers of 4 WaveNet layers (kernel 5),
 * HiFi-GAN generator with upsample rates 8,8,4 from 256 channels
 * (kernels 16,16,8), resblock type 2 (kernels 3,5,7; dilations (1,2),(2,6),(3,12)).
 * Per character: 2 phoneme ids (piper intersperses a pad id) and 62.5/15 =
 * 4.17 frames (English at about 15 characters a second).
 *  - text encoder: per id 4D² + FFN conv k3 2·3·D·F (chain [192, 2688, 192])
 *    x 6, scores over a 120-id sentence;
 *  - flow: per frame and coupling ≈ 1.81 M MACs (chain [192, 4713, 192]) x 4;
 *  - decoder: conv_pre [1344, 256]; each upsampling as [Cin, Cout·k];
 *    each resblock level as its six convolutions Σ C²·k (chain [C, 15C, C])
 *    at 8, 64 and 256 samples per frame; conv_post [224, 1].
 *  ≈ 140 M MACs per character, fp32.
 */
import type { Stage } from "./onnx-stages.js";

type Zipformer1 = {
  stacks: number[];
  layers: number;
  D: number;
  A: number;
  FF: number;
  leftContext: number;
  chunk: number;
};

function zipformerV1(z: Zipformer1): Stage[] {
  const rows = (d: number) => 15 / d;
  const stages: Stage[] = [
    { kind: "chain", unit: "chunk", perUnit: 15, widths: [160, 1024, 1024, z.D], int8: true, what: "conv embedding" },
  ];
  for (const d of z.stacks) {
    stages.push(
      {
        kind: "chain",
        unit: "chunk",
        perUnit: rows(d),
        widths: [z.D, z.FF, z.D],
        repeat: 3 * z.layers,
        int8: true,
        what: `stack /${d} feed-forward`,
      },
      {
        kind: "chain",
        unit: "chunk",
        perUnit: rows(d),
        widths: [z.D, 2 * z.A, z.D],
        repeat: z.layers,
        int8: true,
        what: `stack /${d} attention projections`,
      },
      {
        kind: "chain",
        unit: "chunk",
        perUnit: rows(d),
        widths: [z.D, (3 * z.D) / 2, z.D],
        repeat: 2 * z.layers,
        int8: true,
        what: `stack /${d} conv modules`,
      },
      {
        kind: "scores",
        unit: "chunk",
        perUnit: rows(d),
        width: z.A,
        ctx: Math.round((z.leftContext + z.chunk) / d),
        repeat: z.layers,
        what: `stack /${d} attention scores`,
      },
    );
  }
  stages.push({ kind: "chain", unit: "chunk", perUnit: 7.5, widths: [z.D, 512, 500], int8: true, what: "joiner" });
  return stages;
}

type Stack2 = { layers: number; d: number; FF: number; D: number; H: number };

function zipformerV2(stacks: Stack2[], leftContext: number, chunk: number): Stage[] {
  const stages: Stage[] = [
    {
      kind: "chain",
      unit: "chunk",
      perUnit: 15,
      widths: [160, 1024, 1024, stacks[0]!.D],
      int8: true,
      what: "conv embedding",
    },
  ];
  for (const s of stacks) {
    const rows = 15 / s.d;
    stages.push(
      {
        kind: "chain",
        unit: "chunk",
        perUnit: rows,
        widths: [s.D, s.FF, s.D],
        repeat: 3 * s.layers,
        int8: true,
        what: `stack /${s.d} feed-forward`,
      },
      {
        kind: "chain",
        unit: "chunk",
        perUnit: rows,
        widths: [s.D, 58 * s.H, s.D],
        repeat: s.layers,
        int8: true,
        what: `stack /${s.d} attention projections`,
      },
      {
        kind: "chain",
        unit: "chunk",
        perUnit: rows,
        widths: [s.D, (3 * s.D) / 2, s.D],
        repeat: 3 * s.layers,
        int8: true,
        what: `stack /${s.d} non-linear attention and conv modules`,
      },
      {
        kind: "scores",
        unit: "chunk",
        perUnit: rows,
        width: 28 * s.H,
        ctx: Math.round((leftContext + chunk) / s.d),
        repeat: s.layers,
        what: `stack /${s.d} attention scores`,
      },
    );
  }
  stages.push({ kind: "chain", unit: "chunk", perUnit: 7.5, widths: [512, 512, 500], int8: true, what: "joiner" });
  return stages;
}

function whisper(D: number, layers: number): Stage[] {
  const vocab = 51864;
  return [
    { kind: "chain", unit: "window", perUnit: 3000, widths: [240, D], int8: true, what: "conv1" },
    { kind: "chain", unit: "window", perUnit: 1500, widths: [3 * D, D], int8: true, what: "conv2" },
    {
      kind: "chain",
      unit: "window",
      perUnit: 1500,
      widths: [D, 6 * D, D],
      repeat: layers,
      int8: true,
      what: "encoder layers",
    },
    {
      kind: "scores",
      unit: "window",
      perUnit: 1500,
      width: D,
      ctx: 1500,
      repeat: layers,
      what: "encoder self-attention",
    },
    {
      kind: "chain",
      unit: "window",
      perUnit: 1500,
      widths: [D, 2 * D],
      repeat: layers,
      int8: true,
      what: "cross-attention keys and values",
    },
    ...(["window", "second"] as const).flatMap((unit): Stage[] => {
      const perUnit = unit === "window" ? 4 : 3;
      return [
        {
          kind: "chain",
          unit,
          perUnit,
          widths: [D, 7 * D, D],
          repeat: layers,
          int8: true,
          what: `decoder layers (${unit} tokens)`,
        },
        {
          kind: "scores",
          unit,
          perUnit,
          width: D,
          ctx: 1500,
          repeat: layers,
          what: `decoder cross-attention (${unit} tokens)`,
        },
        { kind: "chain", unit, perUnit, widths: [D, vocab], int8: true, what: `logits (${unit} tokens)` },
      ];
    }),
  ];
}

function piperVits(): Stage[] {
  const frames = 62.5 / 15;
  return [
    {
      kind: "chain",
      unit: "char",
      perUnit: 2,
      widths: [192, 2688, 192],
      repeat: 6,
      int8: false,
      what: "text encoder layers",
    },
    { kind: "scores", unit: "char", perUnit: 2, width: 192, ctx: 120, repeat: 6, what: "text encoder attention" },
    {
      kind: "chain",
      unit: "char",
      perUnit: 2,
      widths: [192, 768, 192],
      repeat: 2,
      int8: false,
      what: "duration predictor",
    },
    { kind: "chain", unit: "char", perUnit: frames, widths: [192, 4713, 192], repeat: 4, int8: false, what: "flow" },
    {
      kind: "chain",
      unit: "char",
      perUnit: frames,
      widths: [1344, 256, 2048],
      int8: false,
      what: "conv_pre and upsample 1",
    },
    {
      kind: "chain",
      unit: "char",
      perUnit: frames * 8,
      widths: [128, 1920, 128],
      int8: false,
      what: "resblocks at 128 channels",
    },
    { kind: "chain", unit: "char", perUnit: frames * 8, widths: [128, 1024], int8: false, what: "upsample 2" },
    {
      kind: "chain",
      unit: "char",
      perUnit: frames * 64,
      widths: [64, 960, 64],
      int8: false,
      what: "resblocks at 64 channels",
    },
    { kind: "chain", unit: "char", perUnit: frames * 64, widths: [64, 256], int8: false, what: "upsample 3" },
    {
      kind: "chain",
      unit: "char",
      perUnit: frames * 256,
      widths: [32, 480, 32],
      int8: false,
      what: "resblocks at 32 channels",
    },
    { kind: "chain", unit: "char", perUnit: frames * 256, widths: [224, 1], int8: false, what: "conv_post" },
  ];
}

/** The stand-ins, by the catalog id of the real model. */
export const doublePresets = {
  "zipformer-en-20m-2023-02-17": () =>
    zipformerV1({ stacks: [1, 2, 4, 8, 2], layers: 2, D: 256, A: 192, FF: 768, leftContext: 64, chunk: 16 }),
  "zipformer-en-2023-06-26": () =>
    zipformerV2(
      [
        { layers: 2, d: 1, FF: 512, D: 192, H: 4 },
        { layers: 2, d: 2, FF: 768, D: 256, H: 4 },
        { layers: 3, d: 4, FF: 1024, D: 384, H: 4 },
        { layers: 4, d: 8, FF: 1536, D: 512, H: 8 },
        { layers: 3, d: 4, FF: 1024, D: 384, H: 4 },
        { layers: 2, d: 2, FF: 768, D: 256, H: 4 },
      ],
      128,
      16,
    ),
  "whisper-tiny.en-int8": () => whisper(384, 4),
  "whisper-base.en-int8": () => whisper(512, 6),
  "piper-en_us-amy-low": () => piperVits(),
} as const satisfies Record<string, () => Stage[]>;

export type DoublePreset = keyof typeof doublePresets;
export const doublePresetNames = Object.keys(doublePresets) as DoublePreset[];
