/**
 * The scripted LLM on the real node-llama-cpp runtime (CPU, prebuilt
 * binaries, one thread): keyword rules, priorities, whole-word matching, the
 * JSON-schema grammar, the function-call round trip and determinism.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  getLlama,
  LlamaChat,
  defineChatSessionFunction,
  LlamaChatSession,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
} from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestModel, generateTestModel } from "../../../scripts/test-models/index.js";
import { scriptedLlmVocab } from "../../../scripts/test-models/scripted-llm.js";
import { TINY_DEFAULTS } from "../../../scripts/test-models/tiny-defaults.js";

const rules = TINY_DEFAULTS.llmRules;
const reply = (rule: number): string => rules[rule]?.reply ?? "";
const [CLOSING, EMERGENCY, ORDERS, CALL] = [0, 1, 2, 3];

/** The extraction schema of the voicemail flow, properties in the order the scripted JSON uses. */
const voicemailSchema = {
  type: "object",
  properties: {
    summary: { type: "string" },
    caller_name: { type: "string" },
    callback_number: { type: "string" },
    category: { enum: ["emergency", "orders", "billing", "other"] },
    tags: { type: "array", items: { type: "string" } },
    urgency: { type: "integer", minimum: 1, maximum: 5 },
    urgency_reason: { type: "string" },
    sentiment: { enum: ["positive", "neutral", "negative"] },
    action: { enum: ["forward", "escalate", "follow_up", "none"] },
  },
} as const;

const functions = {
  schedule_callback: {
    description: "Arrange a phone call to the caller at a later time",
    params: { type: "object", properties: { when: { type: "string" }, topic: { type: "string" } } },
  },
} as const;

let dir: string;
let llama: Llama;
let model: LlamaModel;
let context: LlamaContext;
let sequence: LlamaContextSequence;
/** Resolved once: node-llama-cpp otherwise re-checks the Jinja template (~0.5 s) for every chat object. */
let chatWrapper: ChatWrapper;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "parley-scripted-llm-"));
  await generateTestModel("scripted-llm", {}, dir);
  llama = await getLlama({ gpu: false, build: "never" });
  model = await llama.loadModel({ modelPath: join(dir, "model.gguf") });
  // Text is about one token per character: the system prompt plus function docs take ~1,300 tokens.
  context = await model.createContext({ contextSize: 4096, threads: 1 });
  sequence = context.getSequence();
  chatWrapper = resolveChatWrapper(model);
});

afterAll(async () => {
  await context?.dispose();
  await model?.dispose();
  await llama?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** One user turn in a fresh chat session (default system prompt), greedy. */
async function ask(text: string, grammar?: LlamaGrammar): Promise<string> {
  const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false, chatWrapper });
  try {
    return await session.prompt(text, { maxTokens: 400, ...(grammar ? { grammar } : {}) });
  } finally {
    session.dispose({ disposeSequence: false });
  }
}

describe("scripted-llm", () => {
  it("loads as a ChatML model", () => {
    expect(chatWrapper.wrapperName).toBe("ChatML");
  });

  it("gives the default reply when no trigger is in the prompt", async () => {
    expect(await ask("Hi there, how are you?")).toBe(TINY_DEFAULTS.llmDefaultReply);
  });

  it.each(rules.flatMap((rule, index) => rule.triggers.map((trigger) => ({ index, trigger }))))(
    'gives rule $index\'s reply when the prompt says "$trigger"',
    async ({ index, trigger }) => {
      expect(await ask(`Well, ${trigger}, I think.`)).toBe(reply(index));
    },
  );

  it("matches triggers case-insensitively and as whole words only", async () => {
    expect(await ask("URGENT: water everywhere")).toBe(reply(EMERGENCY));
    expect(await ask("Back to you.")).toBe(reply(CALL));
    expect(await ask("Flooding!")).toBe(reply(EMERGENCY));
    for (const text of [
      "I want a callback",
      "thanks for the feedback",
      "it was rescheduled",
      "reply urgently",
      "backs and forths",
    ]) {
      expect(await ask(text)).toBe(TINY_DEFAULTS.llmDefaultReply);
    }
  });

  it("picks the highest-priority rule when several triggers appear", async () => {
    expect(await ask("Please call me back. Transcript follows: the basement is flooding")).toBe(reply(EMERGENCY));
    expect(await ask("It was scheduled, call me back, it is urgent")).toBe(reply(CLOSING));
    expect(await ask("Transcript: hello, please call me back")).toBe(reply(ORDERS));
  });

  it("produces JSON that the JSON-schema grammar accepts, token for token", async () => {
    const grammar = await llama.createGrammarForJsonSchema(voicemailSchema);
    const orders = await ask("Summarise this transcript: hello this is alice calling about my order", grammar);
    expect(grammar.parse(orders)).toEqual(JSON.parse(reply(ORDERS)));
    const emergency = await ask("Transcript: hello it is urgent the basement is flooding", grammar);
    expect(grammar.parse(emergency)).toEqual(JSON.parse(reply(EMERGENCY)));
  });

  it("is not triggered by node-llama-cpp's function documentation", async () => {
    const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false, chatWrapper });
    try {
      const history: ChatHistoryItem[] = [
        ...chat.chatWrapper.generateInitialChatHistory(),
        { type: "user", text: "Hello, who is this?" },
      ];
      const result = await chat.generateResponse(history, { functions, maxTokens: 200 });
      expect(result.response).toBe(TINY_DEFAULTS.llmDefaultReply);
      expect(result.functionCalls).toBeUndefined();
    } finally {
      chat.dispose({ disposeSequence: false });
    }
  });

  it("calls schedule_callback, then closes the call once the result says scheduled", async () => {
    const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false, chatWrapper });
    try {
      const history: ChatHistoryItem[] = [
        ...chat.chatWrapper.generateInitialChatHistory(),
        { type: "user", text: "Hello, please call me back tomorrow about my order." },
      ];
      const first = await chat.generateResponse(history, { functions, maxTokens: 300 });
      expect(first.metadata.stopReason).toBe("functionCalls");
      expect(first.response).toBe("");
      const call = first.functionCalls?.[0];
      expect(first.functionCalls).toHaveLength(1);
      expect(call?.functionName).toBe("schedule_callback");
      expect(call?.params).toEqual({ when: "tomorrow 10:00", topic: "order" });
      if (call === undefined) return;

      const withResult: ChatHistoryItem[] = [
        ...history,
        {
          type: "model",
          response: [
            {
              type: "functionCall",
              name: call.functionName,
              params: call.params,
              rawCall: call.raw,
              result: { status: "scheduled", when: "tomorrow 10:00" },
            },
          ],
        },
      ];
      const second = await chat.generateResponse(withResult, { functions, maxTokens: 300 });
      expect(second.response).toBe(reply(CLOSING));
      expect(second.functionCalls).toBeUndefined();
    } finally {
      chat.dispose({ disposeSequence: false });
    }
  });

  it("runs LlamaChatSession's tool loop: one handler call, then the closing line", async () => {
    const calls: unknown[] = [];
    const schedule = defineChatSessionFunction({
      description: functions.schedule_callback.description,
      params: functions.schedule_callback.params,
      handler(params) {
        calls.push(params);
        return { status: "scheduled", when: params.when };
      },
    });
    const session = new LlamaChatSession({ contextSequence: sequence, autoDisposeSequence: false, chatWrapper });
    try {
      const answer = await session.prompt("Hi, can you call me back tomorrow about my order?", {
        functions: { schedule_callback: schedule },
      });
      expect(calls).toEqual([{ when: "tomorrow 10:00", topic: "order" }]);
      expect(answer).toBe(reply(CLOSING));
    } finally {
      session.dispose({ disposeSequence: false });
    }
  });

  it("generates byte-identical files and replies every time", async () => {
    const again = mkdtempSync(join(tmpdir(), "parley-scripted-llm-again-"));
    try {
      await generateTestModel("scripted-llm", {}, again);
      expect(readFileSync(join(again, "model.gguf")).equals(readFileSync(join(dir, "model.gguf")))).toBe(true);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
    const prompt = "Please call me back, this is urgent";
    expect(await ask(prompt)).toBe(await ask(prompt));
  });

  it("tokenizes exactly as the generator's SPM emulation predicts", () => {
    const vocab = scriptedLlmVocab({});
    const alphabet = [
      "back",
      "urgent",
      "scheduled",
      "Flooding",
      "TRANSCRIPT",
      "emergency",
      "b",
      "a",
      "c",
      "k",
      " ",
      "_",
      "s",
      "x",
      "l",
      "9",
      "ed",
      "re",
      "\n",
      ".",
      "(",
      "||call: ",
      "é",
    ];
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const samples = [...rules.map((r) => r.reply), TINY_DEFAULTS.llmDefaultReply, "assistant\n", "<not special> 😀"];
    for (let i = 0; i < 500; i++)
      samples.push(Array.from({ length: 1 + next(8) }, () => alphabet[next(alphabet.length)]).join(""));
    for (const text of samples)
      expect(vocab.tokenize(text), JSON.stringify(text)).toEqual(Array.from(model.tokenize(text, false)));
  });
});

describe("scripted-llm with custom rules", () => {
  const args = {
    rules: [
      { triggers: ["refund"], reply: "OK" },
      { triggers: ["hours", "open"], reply: '{"open": "9-17", "days": ["mon", "fri"]}' },
    ],
    defaultReply: "Hm? Say that again.",
  };

  it("follows its own script", async () => {
    const custom = mkdtempSync(join(tmpdir(), "parley-scripted-llm-custom-"));
    const customModel = await llama.loadModel({
      modelPath: (await generateTestModel("scripted-llm", args, custom)).files[0] ?? "",
    });
    const customContext = await customModel.createContext({ contextSize: 2048, threads: 1 });
    try {
      const session = new LlamaChatSession({ contextSequence: customContext.getSequence(), chatWrapper });
      expect(await session.prompt("When are you open?")).toBe(args.rules[1]?.reply);
      expect(await session.prompt("I would like a refund, and your hours")).toBe("OK");
      session.resetChatHistory();
      expect(await session.prompt("Hello")).toBe(args.defaultReply);
    } finally {
      await customContext.dispose();
      await customModel.dispose();
      rmSync(custom, { recursive: true, force: true });
    }
  });

  it("rejects rule sets it cannot honour, naming the problem", () => {
    expect(() => buildTestModel("scripted-llm", { rules: [{ triggers: ["two words"], reply: "x y" }] })).toThrow(
      /rules\.0\.triggers\.0/,
    );
    expect(() =>
      buildTestModel("scripted-llm", {
        rules: [
          { triggers: ["same"], reply: "aa" },
          { triggers: ["SAME"], reply: "bb" },
        ],
      }),
    ).toThrow(/appears in rule 1 and rule 2/);
    const twoCalls = [
      { triggers: ["one"], reply: "||call: first({})" },
      { triggers: ["two"], reply: "||call: second({})" },
    ];
    expect(() => buildTestModel("scripted-llm", { rules: twoCalls })).toThrow(
      /at most one reply may be a function call/,
    );
  });
});
