import {
  LlamaChat,
  resolveChatWrapper,
  type ChatHistoryItem,
  type LlamaContext,
  type LlamaModel,
} from "node-llama-cpp";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import { dropOldestItemsStrategy } from "../../../src/engines/llm/context-shift.js";
import { toFunctions, toLlamaHistory } from "../../../src/engines/llm/history.js";
import { countHistoryTokens } from "../../../src/engines/llm/prompt-tokens.js";
import { llamaRuntime } from "../../../src/engines/llm/runtime.js";
import type { ModelRef } from "../../../src/engines/model-ref.js";
import type { ChatMessage, LlmDelta, LlmEngine, ToolSpec } from "../../../src/engines/types.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * The LLM engine's context: prompts measured with the model's own template
 * and tokenizer, and a context shift that cannot fail the way
 * node-llama-cpp's default did on long calls with tools ("The default context
 * shift strategy did not return a history that fits the context size").
 */
const tools: ToolSpec[] = [
  {
    name: "schedule_callback",
    description: "Arrange for the team to phone the caller at an agreed time.",
    parameters: { type: "object", properties: { when: { type: "string" }, topic: { type: "string" } } },
  },
  {
    name: "hangup",
    description: "End the call once the caller has nothing more to ask.",
    parameters: { type: "object", properties: {} },
  },
];
const SYSTEM: ChatMessage = { role: "system", content: "You are a helpful receptionist. Keep replies short." };

/** A call of `turns` exchanges, ending with the caller's turn. */
function longCall(turns: number): ChatMessage[] {
  const history: ChatMessage[] = [SYSTEM, { role: "assistant", content: "Hello, you are through to Acme." }];
  for (let i = 0; i < turns; i++) {
    history.push({ role: "user", content: `hello i would like to book a table for two, request number ${i}` });
    history.push({ role: "assistant", content: "Thanks for calling. How can I help you today?" });
  }
  history.push({ role: "user", content: "hello i would like to book a table for two" });
  return history;
}

async function collect(stream: AsyncIterable<LlmDelta>): Promise<LlmDelta[]> {
  const out: LlmDelta[] = [];
  for await (const d of stream) out.push(d);
  return out;
}

describe("LLM engine: the context", () => {
  let ref: ModelRef;
  let llm: LlmEngine;
  beforeAll(async () => {
    ref = await generatedModel("tiny-llm");
    llm = await createEngine("llm", ref, testConfig());
  });
  afterAll(async () => llm?.dispose());

  it("reports its context size and reply limit", () => {
    expect(llm.contextSize).toBe(2048); // the tiny model's catalog entry
    expect(llm.maxTokens).toBe(testConfig().engines.llm.maxTokens);
  });

  it("measures a prompt as llama.cpp evaluates it: template and tool documentation included", async () => {
    const bare = llm.countTokens([SYSTEM]);
    const withTools = llm.countTokens([SYSTEM], tools);
    // The scripted model spends about one token per character, and the chat wrapper documents each tool in the system prompt.
    expect(withTools - bare).toBeGreaterThan(JSON.stringify(tools).length * 0.5);
    const history = longCall(2);
    const counted = llm.countTokens(history, tools);
    expect(counted).toBeGreaterThan(llm.countTokens(longCall(1), tools));
    // A prompt no slot has seen (a unique first line) is evaluated whole: what llama.cpp read is what we counted,
    // give or take the few template tokens a slot shares with any earlier prompt.
    const fresh: ChatMessage[] = [
      { role: "system", content: `Call reference ${Date.now()}. ${SYSTEM.content}` },
      ...history.slice(1),
    ];
    const done = (
      await collect(llm.chat(fresh, { signal: AbortSignal.timeout(30_000), tools, sessionKey: "fresh" }))
    ).find((d) => d.type === "done");
    const expected = llm.countTokens(fresh, tools);
    expect(done?.type === "done" && done.usage.promptTokens).toBeGreaterThan(expected - 8);
    expect(done?.type === "done" && done.usage.promptTokens).toBeLessThanOrEqual(expected);
  });

  it("answers a history far longer than its context, with tools (the context shift backstop)", async () => {
    const history = longCall(30);
    expect(llm.countTokens(history, tools)).toBeGreaterThan(llm.contextSize * 2);
    const ds = await collect(llm.chat(history, { signal: AbortSignal.timeout(60_000), tools }));
    const text = ds
      .filter((d) => d.type === "text")
      .map((d) => (d as { text: string }).text)
      .join("");
    expect(text).toBe("Thanks for calling. How can I help you today?");
    expect(ds[ds.length - 1]).toMatchObject({ type: "done", stopReason: "stop" });
  });

  describe("the context shift strategy, against node-llama-cpp's default, on one LlamaChat", () => {
    let model: LlamaModel;
    let context: LlamaContext;
    let chat: LlamaChat;
    const functions = toFunctions(tools);
    const history = (): ChatHistoryItem[] => toLlamaHistory(longCall(12));

    beforeAll(async () => {
      const llama = await llamaRuntime(false);
      model = await llama.loadModel({ modelPath: join(ref.dir, "model.gguf"), gpuLayers: 0 });
      context = await model.createContext({ contextSize: 2048, threads: 1, sequences: 1 });
      chat = new LlamaChat({ contextSequence: context.getSequence(), chatWrapper: resolveChatWrapper(model) });
    });
    afterAll(async () => {
      await context?.dispose();
      await model?.dispose();
    });

    it("control: the default strategy returns a history too long once tools are documented, and the reply fails", async () => {
      await expect(chat.generateResponse(history(), { functions, maxTokens: 32 })).rejects.toThrow(
        /default context shift strategy did not return a history that fits/,
      );
    });

    it("dropOldestItemsStrategy returns a history that fits, counted with the tools, keeping the system prompt and the last turn", async () => {
      const items = history();
      const strategy = dropOldestItemsStrategy(functions);
      const max = 2048 - 205;
      const { chatHistory } = await strategy({
        chatHistory: items,
        maxTokensCount: max,
        tokenizer: model.tokenizer,
        chatWrapper: chat.chatWrapper,
      });
      expect(countHistoryTokens(chat.chatWrapper, model.tokenizer, chatHistory, functions)).toBeLessThanOrEqual(max);
      expect(chatHistory[0]).toEqual(items[0]);
      expect(chatHistory.slice(-2)).toEqual(items.slice(-2));
      // Only as much as needed was dropped: one more item would not fit.
      const dropped = items.length - chatHistory.length;
      expect(dropped).toBeGreaterThan(0);
      expect(chatHistory.slice(1)).toEqual(items.slice(dropped + 1));
      const oneMore = [items[0]!, ...items.slice(dropped)];
      expect(countHistoryTokens(chat.chatWrapper, model.tokenizer, oneMore, functions)).toBeGreaterThan(max);
    });

    it("with it, the same reply succeeds", async () => {
      const res = await chat.generateResponse(history(), {
        functions,
        maxTokens: 64,
        contextShift: { strategy: dropOldestItemsStrategy(functions) },
      });
      expect(res.response).toBe("Thanks for calling. How can I help you today?");
    });

    it("cuts the start of the reply being written when the system prompt and that reply alone are too long", async () => {
      const long = "word ".repeat(600) + "the end";
      const items: ChatHistoryItem[] = [
        { type: "system", text: "You are a receptionist." },
        { type: "model", response: [long] },
      ];
      const strategy = dropOldestItemsStrategy(undefined);
      const { chatHistory } = await strategy({
        chatHistory: items,
        maxTokensCount: 300,
        tokenizer: model.tokenizer,
        chatWrapper: chat.chatWrapper,
      });
      expect(countHistoryTokens(chat.chatWrapper, model.tokenizer, chatHistory, undefined)).toBeLessThanOrEqual(300);
      expect(chatHistory[0]).toEqual(items[0]);
      const kept = (chatHistory[1] as { response: string[] }).response.join("");
      expect(kept.length).toBeGreaterThan(100);
      expect(long.endsWith(kept)).toBe(true);
    });
  });
});
