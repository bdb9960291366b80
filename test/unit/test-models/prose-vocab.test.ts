/**
 * The load doubles' prose pieces (llm-prose-vocab.ts): ordinary text costs
 * about Qwen2.5's tokens instead of one per character, llama.cpp cuts text
 * exactly as the generator's SPM emulation predicts, and the script keeps
 * its behaviour (trigger words, replies, the function-call round trip).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  defineChatSessionFunction,
  getLlama,
  LlamaChatSession,
  LlamaLogLevel,
  resolveChatWrapper,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaModel,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateTestModel, TINY_DEFAULTS } from "../../../scripts/test-models/index.js";
import { prosePieces } from "../../../scripts/test-models/llm-prose-vocab.js";
import { prepareScript } from "../../../scripts/test-models/scripted-llm.js";

const rules = TINY_DEFAULTS.llmRules;
const GREETING = "Thanks for calling Acme Plumbing. How can I help you today?";
const CALLER = "Hello, I would like to book a table.";
/** English prose of the kind a system prompt holds (the receptionist's, agents/receptionist.yaml). */
const PROMPT =
  "You are the receptionist of Acme Plumbing. Be brief and friendly: one or two short sentences per reply, " +
  "because the caller hears you on the phone. If the caller wants a person to phone them later, agree a time " +
  "and use the schedule_callback tool. If they want to leave a message, use take_message.";
const TOOL_DOC = '{"type": "object", "properties": {"when": {"type": "string", "description": "a time"}}}';

const tiny = prepareScript({});
const prose = prepareScript({}, { prose: true });
const perChar = (text: string, script = prose): number => script.base.vocab.tokenize(text).length / text.length;

describe("prose pieces (emulation)", () => {
  it("cut English and JSON into word-sized tokens where tiny spends one per character", () => {
    for (const text of [GREETING, CALLER, PROMPT, TOOL_DOC]) expect(perChar(text, tiny)).toBeGreaterThan(0.9);
    // Qwen2.5's own tokenizer: 14 tokens for the greeting, 10 for the caller's line (measured, see docs/models.md).
    expect(prose.base.vocab.tokenize(GREETING).length).toBeLessThanOrEqual(16);
    expect(prose.base.vocab.tokenize(CALLER).length).toBeLessThanOrEqual(12);
    expect(perChar(PROMPT)).toBeLessThan(0.3);
    expect(perChar(TOOL_DOC)).toBeLessThan(0.4);
  });

  it("leave out pieces that would swallow a trigger word or the call's parenthesis", () => {
    const pieces = prosePieces(["back", "scheduled"]).map((p) => p.piece);
    expect(pieces.length).toBeGreaterThan(80_000);
    expect(pieces.filter((p) => /back|Back|BACK|scheduled|[()]/.test(p))).toEqual([]);
    expect(pieces).toContain("\u2581the");
    expect(pieces.some((p) => p.includes("\n"))).toBe(false);
  });

  it("keep tiny's token ids for everything tiny has, and trigger words as single tokens", () => {
    const { vocab: _tinyVocab, prose: _none, ...tinyIds } = tiny.base;
    const { vocab: _proseVocab, prose: _pieces, ...proseIds } = prose.base;
    expect(proseIds).toEqual(tinyIds);
    const back = new Set(prose.base.ruleTriggerTokens[3]);
    expect(prose.base.vocab.tokenize("please call me back tomorrow").filter((t) => back.has(t))).toHaveLength(1);
    expect(prose.base.vocab.tokenize("a feedback form").some((t) => back.has(t))).toBe(false);
  });
});

describe("replies with prose pieces", () => {
  it("are cut where the tokenizer cuts their words, so JSON decodes in more tokens than tiny's one a word", () => {
    // The two JSON replies: 31 and 24 pieces on tiny; Qwen2.5's tokenizer spends about 90 on each.
    for (const rule of [1, 2]) expect(prose.chains[rule]!.length).toBeGreaterThan(tiny.chains[rule]!.length * 1.4);
    const text = (chain: number[]) =>
      chain
        .map((t) => prose.base.vocab.pieces[t])
        .join("")
        .replaceAll("\u2581", " ");
    expect(text(prose.chains[1]!)).toBe(rules[1]!.reply);
  });
});

describe("a prose double on node-llama-cpp", () => {
  let dir: string;
  let llama: Llama;
  let model: LlamaModel;
  let context: LlamaContext;
  let chatWrapper: ChatWrapper;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-prose-double-"));
    const args = {
      name: "ci prose",
      architecture: "qwen2",
      layers: 1,
      embeddingLength: 192,
      feedForwardLength: 256,
      headCount: 3,
      headCountKv: 1,
      vocabSize: 92_000,
      contextLength: 8192,
      weights: "q8_0",
      prosePieces: true,
    };
    const { files } = await generateTestModel("llm-double", args, dir);
    llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error });
    model = await llama.loadModel({ modelPath: files[0]! });
    context = await model.createContext({ contextSize: 2048, threads: 1 });
    chatWrapper = resolveChatWrapper(model);
  }, 300_000);

  afterAll(async () => {
    await context?.dispose();
    await model?.dispose();
    await llama?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("tokenizes exactly as the generator's SPM emulation predicts", () => {
    const docs = readFileSync(join(import.meta.dirname, "../../../docs/architecture.md"), "utf8").slice(0, 3000);
    const samples = [GREETING, CALLER, PROMPT, TOOL_DOC, docs, ...rules.map((r) => r.reply)];
    samples.push("||call: schedule_callback(", '\n||result: {"status": "scheduled"}\n', "assistant\n");
    samples.push("Call me BACK, it's urgent!", "feedback backs callback", "  spaced   out  ", "caf\u00e9 \u{1F600}");
    for (const text of samples)
      expect(prose.base.vocab.tokenize(text), JSON.stringify(text)).toEqual(Array.from(model.tokenize(text, false)));
  });

  it("gives tiny's replies and runs the function-call round trip", async () => {
    const sequence = context.getSequence();
    try {
      const ask = async (text: string, functions?: Parameters<LlamaChatSession["prompt"]>[1]) => {
        const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false, chatWrapper });
        try {
          return await session.prompt(text, { temperature: 0, maxTokens: 200, ...functions });
        } finally {
          session.dispose({ disposeSequence: false });
        }
      };
      expect(await ask("The callback is scheduled.")).toBe(rules[0]!.reply);
      expect(await ask("It is urgent, the basement is flooding")).toBe(rules[1]!.reply);
      expect(await ask(GREETING)).toBe(TINY_DEFAULTS.llmDefaultReply);
      const calls: unknown[] = [];
      const schedule_callback = defineChatSessionFunction({
        description: "Arrange a phone call to the caller at a later time",
        params: { type: "object", properties: { when: { type: "string" }, topic: { type: "string" } } },
        handler(params) {
          calls.push(params);
          return { status: "scheduled" };
        },
      });
      expect(await ask("Hi, can you call me back tomorrow about my order?", { functions: { schedule_callback } })).toBe(
        rules[0]!.reply,
      );
      expect(calls).toEqual([{ when: "tomorrow 10:00", topic: "order" }]);
    } finally {
      sequence.dispose();
    }
  }, 120_000);
});
