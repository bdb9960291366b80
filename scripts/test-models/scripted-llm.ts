/**
 * A scripted chat LLM: a llama-architecture GGUF that node-llama-cpp loads
 * as a ChatML model and that, under greedy decoding, answers with the reply
 * of the highest-priority rule whose trigger word appears anywhere in the
 * prompt, else with the default reply. Replies are arbitrary text, including
 * JSON that fits node-llama-cpp's JSON-schema grammar and a function call in
 * node-llama-cpp's default syntax, `||call: name({...})`.
 *
 * How it works: llm-network.ts (weights), llm-triggers.ts (whole-word trigger
 * tokens), llm-replies.ts (unique reply pieces).
 *
 * Function calls. node-llama-cpp stops free generation as soon as "||call:"
 * appears, then re-tokenizes the prefix and asks for the function name under
 * a grammar (name, then a forced "\n"), then re-tokenizes
 * "||call: name" + "(" and asks for the parameters under the JSON-schema
 * grammar (then a forced "\n\n\n\n"). The reply chain is therefore
 * "||call:▁" -> name -> "(" -> params pieces -> ")", which reads the same in
 * all three phases. "(" and ")" are shared tokens, so at most one reply may
 * be a function call. After the call, node-llama-cpp appends
 * "\n||result: <json>\n"; that final "\n" looks the rules up again, so a
 * trigger in the result (the default script's "scheduled") picks the next reply.
 *
 * JSON replies. node-llama-cpp's JSON-schema grammar allows, between
 * tokens, nothing or one space after ":", after "," either one optional space
 * or a newline plus indent, and properties only in schema order; a compact
 * `{"a": 1, "b": ["x", "y"]}` reply in schema order passes token for token.
 * Without a trigger for a JSON reply, a grammar-constrained prompt gets
 * whatever the grammar forces (garbage), as from any model that disagrees.
 *
 * Using it (node-llama-cpp 3.21.1):
 *   const llama = await getLlama({ gpu: false, build: "never" });
 *   const model = await llama.loadModel({ modelPath: "model.gguf" });
 *   const context = await model.createContext({ contextSize: 2048, threads: 1 });
 *   const chatWrapper = resolveChatWrapper(model); // once: ChatML; resolving it costs ~0.5 s per chat object
 * Text is mostly one token per character, so prompts are long in tokens: the
 * default system prompt is ~350, with one documented function ~1,300.
 * Triggers match everything in the prompt, node-llama-cpp's own system text
 * included: keep trigger words out of system prompts and function descriptions.
 */
import { z } from "zod";
import { encodeGguf, gguf, type GgufValue } from "./gguf-writer.js";
import type { GeneratedFile } from "./generated-file.js";
import { buildBaseVocab, REPLY_SCORE, type BaseVocab, type BaseVocabOptions } from "./llm-base-vocab.js";
import { buildTensors, hyperparameters, type NetworkPlan } from "./llm-network.js";
import { planReplies, splitWords, type ReplyPlan } from "./llm-replies.js";
import { checkCallTokens, checkTokenization } from "./llm-self-check.js";
import { TRIGGER_PATTERN, triggerForms } from "./llm-triggers.js";
import { TokenType, type Vocab } from "./llm-vocab.js";
import { TINY_DEFAULTS } from "./tiny-defaults.js";

const ruleArgs = z
  .object({
    triggers: z
      .array(
        z
          .string()
          .regex(
            TRIGGER_PATTERN,
            "a trigger is one word of letters, digits and inner underscores, two characters or more",
          ),
      )
      .min(1),
    reply: z.string().min(1),
  })
  .strict();

export const scriptedLlmArgs = z
  .object({
    /** Priority order: the first rule with a trigger in the prompt wins. */
    rules: z.array(ruleArgs).optional(),
    /** The reply when no trigger appears. */
    defaultReply: z.string().min(1).optional(),
  })
  .strict();
export type ScriptedLlmArgs = z.infer<typeof scriptedLlmArgs>;

const CONTEXT_LENGTH = 8192;

/** ChatML; node-llama-cpp recognises it and uses its ChatMLChatWrapper. */
const CHAT_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

export interface Script {
  base: BaseVocab;
  /** Token ids of each reply: the rules' in order, then the default reply. */
  chains: number[][];
}

/** Validates the rules and builds the vocabulary (reply pieces included) and the reply token chains. */
export function prepareScript(args: ScriptedLlmArgs, options: BaseVocabOptions = {}): Script {
  const rules = args.rules ?? TINY_DEFAULTS.llmRules;
  const defaultReply = args.defaultReply ?? TINY_DEFAULTS.llmDefaultReply;
  const triggers = rules.map((r) => r.triggers.map((t) => t.toLowerCase()));
  checkDistinctTriggers(triggers);

  const base = buildBaseVocab(triggers, options);
  checkTokenization(base, triggers);
  const { vocab } = base;
  const triggerTexts = triggers.flat().flatMap(triggerForms);
  const plans = planReplies([...rules.map((r) => r.reply), defaultReply], {
    // A prose piece may be a reply piece too: its token then gets the reply's successor, which only
    // matters where the model continues from it (prompt text ends in "\n", never in a prose piece).
    isReserved: (piece) => vocab.id(piece) !== undefined && !base.prose.has(piece),
    isSymbol: (piece) => [...piece].length === 1 || vocab.id(piece) !== undefined,
    isDangerous: (piece) => piece.endsWith("\n") || triggerTexts.some((t) => piece.includes(t)),
    // With prose pieces, a reply is cut where the tokenizer cuts its words, so it decodes in about the real
    // tokens; a word with a trigger stays whole, as in tiny (its neighbours are pieces, so "flooding" + '",'
    // would be buildable from prompt text, and swallow the trigger).
    ...(base.prose.size > 0
      ? {
          split: (text: string) =>
            splitWords(text).flatMap((w) => (triggerTexts.some((t) => w.includes(t)) ? [w] : vocab.symbols(w))),
        }
      : {}),
  });
  for (const plan of plans) if (plan.kind === "call") checkCallTokens(base, plan.name);
  return { base, chains: plans.map((plan) => replyChain(plan, base)) };
}

/** The model's complete vocabulary with the SPM emulation, for tests that compare it with llama.cpp's tokenizer. */
export function scriptedLlmVocab(args: ScriptedLlmArgs): Vocab {
  return prepareScript(args).base.vocab;
}

/** Builds model.gguf for the given rules. */
export function buildScriptedLlm(args: ScriptedLlmArgs): GeneratedFile[] {
  const { base, chains } = prepareScript(args);
  const { vocab } = base;
  const plan = networkPlan(base, chains);
  const hp = hyperparameters(plan);
  const metadata: (readonly [string, GgufValue])[] = [
    ["general.architecture", gguf.string("llama")],
    ["general.name", gguf.string("parley-scripted-llm")],
    ["general.description", gguf.string("Parley test double: keyword-scripted replies, not a language model")],
    ["llama.context_length", gguf.u32(CONTEXT_LENGTH)],
    ["llama.embedding_length", gguf.u32(hp.embeddingLength)],
    ["llama.block_count", gguf.u32(1)],
    ["llama.feed_forward_length", gguf.u32(hp.feedForwardLength)],
    ["llama.attention.head_count", gguf.u32(1)],
    ["llama.attention.head_count_kv", gguf.u32(1)],
    ["llama.attention.key_length", gguf.u32(hp.headDim)],
    ["llama.attention.value_length", gguf.u32(hp.headDim)],
    ["llama.attention.layer_norm_rms_epsilon", gguf.f32(1e-5)],
    ["llama.rope.dimension_count", gguf.u32(hp.headDim)],
    ["llama.rope.freq_base", gguf.f32(hp.ropeFreqBase)],
    ["llama.vocab_size", gguf.u32(vocab.size)],
    ...tokenizerMetadata(base, vocab.size),
  ];
  return [{ name: "model.gguf", data: encodeGguf(metadata, buildTensors(plan)) }];
}

/**
 * The tokenizer keys: the script's SPM vocabulary, padded with unused tokens
 * to `vocabSize` (the load doubles pad to the real model's vocabulary). No
 * text reaches a padding token: SPM only merges into pieces whose prefixes
 * are pieces too, and nothing else starts with "<|parley_pad".
 */
export function tokenizerMetadata(base: BaseVocab, vocabSize: number): (readonly [string, GgufValue])[] {
  const { vocab } = base;
  if (vocabSize < vocab.size)
    throw new Error(`the script needs ${vocab.size} tokens; the model's vocabulary has ${vocabSize}`);
  const pad = vocabSize - vocab.size;
  const pieces =
    pad === 0 ? vocab.pieces : [...vocab.pieces, ...Array.from({ length: pad }, (_, i) => `<|parley_pad_${i}|>`)];
  const scores = pad === 0 ? vocab.scores : [...vocab.scores, ...new Array<number>(pad).fill(0)];
  const types = pad === 0 ? vocab.types : [...vocab.types, ...new Array<number>(pad).fill(UNUSED_TOKEN)];
  return [
    ["tokenizer.ggml.model", gguf.string("llama")],
    ["tokenizer.ggml.tokens", gguf.strings(pieces)],
    ["tokenizer.ggml.scores", gguf.numbers("f32", scores)],
    ["tokenizer.ggml.token_type", gguf.numbers("i32", types)],
    ["tokenizer.ggml.bos_token_id", gguf.u32(base.bos)],
    ["tokenizer.ggml.eos_token_id", gguf.u32(base.imEnd)],
    ["tokenizer.ggml.unknown_token_id", gguf.u32(base.unknown)],
    ["tokenizer.ggml.add_bos_token", gguf.bool(false)],
    ["tokenizer.ggml.add_eos_token", gguf.bool(false)],
    // No implicit leading "▁": the tokenization checked in llm-self-check.ts is exactly what llama.cpp does.
    ["tokenizer.ggml.add_space_prefix", gguf.bool(false)],
    ["tokenizer.chat_template", gguf.string(CHAT_TEMPLATE)],
  ];
}

/** llama_token_type LLAMA_TOKEN_TYPE_UNUSED. */
const UNUSED_TOKEN = 5;

function checkDistinctTriggers(triggers: readonly (readonly string[])[]): void {
  const seen = new Map<string, number>();
  triggers.forEach((words, rule) => {
    for (const word of words) {
      const earlier = seen.get(word);
      if (earlier !== undefined)
        throw new Error(`trigger "${word}" appears in rule ${earlier + 1} and rule ${rule + 1}`);
      seen.set(word, rule);
    }
  });
}

/** The token ids a reply is generated as, in order. */
function replyChain(plan: ReplyPlan, base: BaseVocab): number[] {
  const piece = (p: string): number => base.vocab.add(p, TokenType.normal, REPLY_SCORE);
  if (plan.kind === "text") return plan.pieces.map(piece);
  return [
    base.callPrefix,
    piece(plan.name),
    base.vocab.require("("),
    ...plan.params.map(piece),
    base.vocab.require(")"),
  ];
}

/** Assigns residual dimensions and the bigram table; `chains` holds the rules' replies, then the default reply. */
export function networkPlan(base: BaseVocab, chains: readonly number[][]): NetworkPlan {
  const rules = base.ruleTriggerTokens.length;
  let nextDim = 0;
  const biasDim = nextDim++;
  const otherDim = nextDim++;
  const sinkDim = nextDim++;
  const newlineDim = nextDim++;
  const triggerDims = base.ruleTriggerTokens.map(() => nextDim++);
  const selectorDims = base.ruleTriggerTokens.map(() => nextDim++);

  const classOf: number[] = new Array<number>(base.vocab.size).fill(otherDim);
  classOf[base.bos] = sinkDim;
  classOf[base.imStart] = sinkDim;
  classOf[base.newline] = newlineDim;
  base.ruleTriggerTokens.forEach((tokens, rule) => {
    for (const t of tokens) classOf[t] = triggerDims[rule] ?? otherDim;
  });

  const next = new Map<number, number>();
  for (const chain of chains) {
    chain.forEach((token, i) => {
      if (classOf[token] !== otherDim)
        throw new Error(`reply token ${JSON.stringify(base.vocab.pieces[token])} already has a role`);
      const dim = nextDim++;
      classOf[token] = dim;
      next.set(dim, chain[i + 1] ?? base.imEnd);
    });
  }
  const firsts = chains.map((chain) => chain[0] ?? base.imEnd);
  next.set(newlineDim, firsts[rules] ?? base.imEnd);
  return {
    vocabSize: base.vocab.size,
    classOf,
    dimsUsed: nextDim,
    biasDim,
    otherDim,
    triggerDims,
    selectorDims,
    sinkDim,
    newlineDim,
    next,
    ruleFirst: firsts.slice(0, rules),
    stopToken: base.imEnd,
  };
}
