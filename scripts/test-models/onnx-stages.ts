/**
 * A load double's extra compute, described as stages of the real network and
 * built with ComputePad. A stage runs `perUnit` rows per unit of input, where
 * the unit is what the model is called on: a 300 ms streaming chunk, a 30 s
 * Whisper window, a second of audio, a character of text.
 *  - chain: rows through projections of the given widths (a layer's matmuls
 *    written as MAC-equivalent [D, W, D] chains), `repeat` times;
 *  - scores: attention of each row over `ctx` remembered positions of width `width`.
 * `scale` (tests) multiplies every row count, so a small double keeps the
 * graph but costs little.
 */
import { z } from "zod";
import type { GraphBuilder } from "./onnx-graph.js";
import { addThroughZero, ComputePad, rowsFrom, scaledCount, summary } from "./onnx-load.js";
import { attr } from "./onnx-writer.js";

export const unitKinds = ["chunk", "window", "second", "char"] as const;
export type UnitKind = (typeof unitKinds)[number];

export type Stage =
  | {
      kind: "chain";
      unit: UnitKind;
      perUnit: number;
      widths: readonly number[];
      repeat?: number;
      int8: boolean;
      what: string;
    }
  | { kind: "scores"; unit: UnitKind; perUnit: number; width: number; ctx: number; repeat?: number; what: string };

/** Args every ONNX load double takes besides its preset. */
export const scaleArg = z.number().positive().max(1).default(1);

/**
 * Builds the stages; `units` maps each unit kind the stages use to an int64
 * count tensor computed from the graph's input, `source` is any float tensor
 * of the input. Returns a scalar that depends on every stage.
 */
export function buildStages(
  g: GraphBuilder,
  stages: readonly Stage[],
  units: Partial<Record<UnitKind, string>>,
  source: string,
  seed: string,
  scale: number,
): string {
  const parts: string[] = [];
  stages.forEach((stage, i) => {
    const count = units[stage.unit];
    if (count === undefined) throw new Error(`stage ${stage.what}: no ${stage.unit} count in this graph`);
    const rows = scaledCount(g, count, stage.perUnit * scale);
    const pad = new ComputePad(g, `${seed}/${i}`, stage.kind === "chain" && stage.int8);
    for (let r = 0; r < (stage.repeat ?? 1); r++) {
      if (stage.kind === "chain") {
        parts.push(summary(g, pad.chain(rowsFrom(g, source, rows, stage.widths[0]!), stage.widths)));
      } else {
        parts.push(summary(g, pad.scores(rowsFrom(g, source, rows, stage.width), stage.width, stage.ctx)));
      }
    }
  });
  if (parts.length === 0) return g.float([], [0]);
  return g.op(
    "ReduceMean",
    [
      g.op(
        "Concat",
        parts.map((p) => g.op("Reshape", [p, g.int64([1], [1])])),
        { axis: attr.int(0) },
      ),
    ],
    { keepdims: attr.int(0) },
  );
}

/** Multiply-accumulates per unit of a stage list (for the docs and `models list`). */
export function macsPerUnit(stages: readonly Stage[], unit: UnitKind): number {
  let total = 0;
  for (const s of stages) {
    if (s.unit !== unit) continue;
    const perRow =
      s.kind === "chain" ? s.widths.slice(1).reduce((sum, w, i) => sum + w * s.widths[i]!, 0) : 2 * s.width * s.ctx;
    total += perRow * s.perUnit * (s.repeat ?? 1);
  }
  return total;
}

/** What a tiny graph builder needs to become a load double. */
export interface LoadPad {
  stages: readonly Stage[];
  /** Fraction of the real rows (tests use a small one). */
  scale: number;
  seed: string;
}

/**
 * Finishes a double's output: the scripted value `scripted` plus the stages'
 * result through a data-dependent zero, written to the graph output `out`.
 */
export function padOutput(
  g: GraphBuilder,
  pad: LoadPad,
  units: Partial<Record<UnitKind, string>>,
  source: string,
  scripted: string,
  out: string,
): string {
  const extra = buildStages(g, pad.stages, units, source, pad.seed, pad.scale);
  return addThroughZero(g, scripted, source, extra, out);
}
