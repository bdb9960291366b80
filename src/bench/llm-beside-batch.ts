/**
 * `parley bench llm --beside-batch N`: how long a live reply waits for its
 * first token while batch work (a post-call summary's long prompt and its
 * output) runs on the same LLM, for each `batchBesideCallsTokens` setting,
 * and what each costs the batch work. A call is connected throughout
 * (LlmEngine.liveCall), so between the caller's turns batch work takes steps
 * of the setting's size; a reply arriving meanwhile waits for the step under
 * way. The settings take turns round by round, so a box whose speed drifts
 * shifts them all alike. Each setting loads its own copy of the model (the
 * setting is fixed when the engine loads): memory for several at once.
 *
 * Each setting runs its rounds twice, in turns: as before, and with batch
 * work held from the caller's pause (LlmEngine.holdBatch), which in a call
 * comes about 70 ms before the reply starts (the early-silence detector hears
 * the pause some 130 ms after the last word, and the turn model ends the turn
 * at 200: agent/turn-taking/settings.ts), until the reply's first token.
 */
import type { ChatMessage, LlmEngine } from "../engines/types.js";
import { median, percentile, round } from "./stats.js";

export interface BesideBatchOptions {
  /** Loads Parley's LLM engine with batch steps of at most `cap` tokens while a call is connected. */
  load: (cap: number) => Promise<LlmEngine>;
  caps: number[];
  rounds: number;
  log: (line: string) => void;
}

export interface BesideBatchFigures {
  /** engines.llm.batchBesideCallsTokens. */
  cap: number;
  /** Batch work held from the caller's pause to the reply's first token (engines.llm.batchHoldMs). */
  held: boolean;
  replies: number;
  firstTokenMs: { p50: number; p95: number; mean: number; max: number };
  /** The batch job from start to end, its median over the rounds (the live turns beside it are the same for every cap). */
  batchMsP50: number;
}

/** The caller's turns during one batch job: gaps (ms) before each, as a caller's turns come a few hundred ms apart. */
const TURN_GAPS_MS = [350, 520, 410, 630];
/** How long before the reply starts the caller's pause is known, and a hold taken (see above). */
const PAUSE_LEAD_MS = 70;
const SESSION = "bench-beside-batch";
const OPENING: ChatMessage[] = [
  { role: "system", content: "You are the receptionist of a dental practice. Answer in one short sentence." },
  { role: "assistant", content: "Hello, you are through to the practice." },
];
/** A finished call to summarise: some 900 prompt tokens on Qwen2.5's tokenizer. */
const TRANSCRIPT = Array.from(
  { length: 60 },
  (_, i) => `The caller mentioned point ${i + 1} about their appointment, the invoice and the parking.`,
).join(" ");

export async function benchBesideBatch(o: BesideBatchOptions): Promise<BesideBatchFigures[]> {
  const engines = new Map<number, LlmEngine>();
  try {
    for (const cap of o.caps) {
      o.log(`loading the LLM with batch steps of ${cap} token(s) beside a connected call`);
      const llm = await o.load(cap);
      engines.set(cap, llm);
      await firstTokenMs(llm, "Hello."); // the session's opening, read once
    }
    const runs = o.caps.flatMap((cap) => [false, true].map((held) => ({ cap, held })));
    const waits = runs.map(() => [] as number[]);
    const batchMs = runs.map(() => [] as number[]);
    for (let n = 0; n < o.rounds; n++) {
      // Alternate the order so no setting always runs first (after the box's idle gap) or last.
      const order = n % 2 === 0 ? runs : [...runs].reverse();
      for (const run of order) {
        const i = runs.indexOf(run);
        const r = await oneRound(engines.get(run.cap)!, `${n}-${i}`, run.held);
        waits[i]!.push(...r.firstTokenMs);
        batchMs[i]!.push(r.batchMs);
        o.log(
          `round ${n + 1}, ${run.cap} token(s)${run.held ? ", held at the pause" : ""}: first tokens ${r.firstTokenMs.map((x) => Math.round(x)).join(", ")} ms; batch ${Math.round(r.batchMs)} ms`,
        );
      }
    }
    return runs.map(({ cap, held }, i) => {
      const xs = waits[i]!;
      return {
        cap,
        held,
        replies: xs.length,
        firstTokenMs: {
          p50: round(percentile(xs, 50), 1),
          p95: round(percentile(xs, 95), 1),
          mean: round(xs.reduce((a, b) => a + b, 0) / xs.length, 1),
          max: round(Math.max(...xs), 1),
        },
        batchMsP50: round(median(batchMs[i]!), 1),
      };
    });
  } finally {
    for (const llm of engines.values()) await llm.dispose();
  }
}

/**
 * One summary as batch work, and the caller's turns beside it, a call connected throughout; `held`: each turn holds
 * batch work from its pause to the reply's first token. `n` names the run: each run's summary starts differently, so
 * none finds another's prompt in its engine's KV cache (the held and unheld runs share one engine).
 */
async function oneRound(
  llm: LlmEngine,
  n: string,
  held: boolean,
): Promise<{ firstTokenMs: number[]; batchMs: number }> {
  const disconnect = llm.liveCall?.(SESSION);
  try {
    const started = performance.now();
    const summary: ChatMessage[] = [
      { role: "system", content: "Summarise the call in two sentences." },
      { role: "user", content: `Call ${n}. ${TRANSCRIPT}` },
    ];
    const batch = drain(llm, summary, { priority: "batch", maxTokens: 200 }).then(() => performance.now() - started);
    const waits: number[] = [];
    for (const [i, gap] of TURN_GAPS_MS.entries()) {
      await sleep(gap - PAUSE_LEAD_MS);
      const release = held ? llm.holdBatch?.(SESSION) : undefined;
      await sleep(PAUSE_LEAD_MS);
      try {
        waits.push(await firstTokenMs(llm, `I would like to book appointment ${n}-${i}, please.`));
      } finally {
        release?.();
      }
    }
    return { firstTokenMs: waits, batchMs: await batch };
  } finally {
    disconnect?.();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A live reply's first token, from the request, on the connected call's session. */
async function firstTokenMs(llm: LlmEngine, words: string): Promise<number> {
  const started = performance.now();
  let first: number | null = null;
  await drain(llm, [...OPENING, { role: "user", content: words }], {
    sessionKey: SESSION,
    maxTokens: 4,
    onText: () => (first ??= performance.now() - started),
  });
  if (first === null) throw new Error("the live reply produced no text");
  return first;
}

async function drain(
  llm: LlmEngine,
  messages: ChatMessage[],
  o: { priority?: "batch"; sessionKey?: string; maxTokens: number; onText?: () => void },
): Promise<void> {
  const stream = llm.chat(messages, {
    signal: AbortSignal.timeout(300_000),
    maxTokens: o.maxTokens,
    temperature: 0,
    ...(o.priority ? { priority: o.priority } : {}),
    ...(o.sessionKey ? { sessionKey: o.sessionKey } : {}),
  });
  for await (const d of stream) if (d.type === "text") o.onText?.();
}
