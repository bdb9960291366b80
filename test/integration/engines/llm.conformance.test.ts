import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import type { ModelRef } from "../../../src/engines/model-ref.js";
import type { ChatMessage, LlmDelta, LlmEngine } from "../../../src/engines/types.js";
import { generatedModel, storiesRef, testConfig } from "../../helpers/models.js";
import { fixtures, missingFixture } from "../../helpers/paths.js";

/**
 * One conformance suite for the LLM engine, run on the scripted test model
 * (always) and on stories260K, a real tiny GGUF (where the fixtures are).
 */
async function collect(stream: AsyncIterable<LlmDelta>): Promise<LlmDelta[]> {
  const out: LlmDelta[] = [];
  for await (const d of stream) out.push(d);
  return out;
}
const text = (ds: LlmDelta[]) =>
  ds
    .filter((d) => d.type === "text")
    .map((d) => (d as { text: string }).text)
    .join("");
const done = (ds: LlmDelta[]) => ds.find((d): d is Extract<LlmDelta, { type: "done" }> => d.type === "done");

const extractionSchema = {
  type: "object",
  properties: { summary: { type: "string" }, urgency: { type: "integer" } },
  required: ["summary", "urgency"],
};

const cases: { name: string; skip: string | null; ref: () => Promise<ModelRef> }[] = [
  { name: "tiny scripted model", skip: null, ref: () => generatedModel("tiny-llm") },
  { name: "stories260K (real weights)", skip: missingFixture(fixtures.stories260k), ref: async () => storiesRef() },
];

for (const c of cases) {
  describe.skipIf(c.skip)(`LLM conformance: ${c.name}`, () => {
    let llm: LlmEngine;
    beforeAll(async () => {
      llm = await createEngine("llm", await c.ref(), testConfig({ engines: { llm: { parallel: 2, maxTokens: 48 } } }));
    });
    afterAll(async () => llm?.dispose());

    it("streams text deltas and ends with one done carrying usage", async () => {
      const ds = await collect(
        llm.chat([{ role: "user", content: "Hello there" }], { signal: AbortSignal.timeout(30_000) }),
      );
      expect(text(ds).length).toBeGreaterThan(0);
      expect(ds.filter((d) => d.type === "text").length).toBeGreaterThan(1);
      const end = done(ds);
      expect(end).toBeDefined();
      expect(ds[ds.length - 1]).toBe(end);
      expect(end?.usage.completionTokens).toBeGreaterThan(0);
      expect(end?.usage.firstTokenMs).not.toBeNull();
    });

    it("measures prompts with its own template and tokenizer, within a context it reports", async () => {
      expect(llm.contextSize).toBeGreaterThanOrEqual(256);
      expect(llm.maxTokens).toBe(48);
      const short = llm.countTokens([{ role: "user", content: "Hello there" }]);
      const long = llm.countTokens([{ role: "user", content: "Hello there, how are you today?" }]);
      expect(short).toBeGreaterThan(2); // the words and the template around them
      expect(long).toBeGreaterThan(short);
      const unique: ChatMessage[] = [{ role: "user", content: `Ticket ${Date.now()}: hello there` }];
      const end = done(await collect(llm.chat(unique, { signal: AbortSignal.timeout(30_000), maxTokens: 4 })));
      // What llama.cpp evaluated is what was counted, less the template tokens a slot shares with earlier prompts.
      expect(end!.usage.promptTokens).toBeLessThanOrEqual(llm.countTokens(unique));
      expect(end!.usage.promptTokens).toBeGreaterThan(llm.countTokens(unique) - 8);
    });

    it("is deterministic at temperature 0", async () => {
      const a = text(
        await collect(llm.chat([{ role: "user", content: "Hello there" }], { signal: AbortSignal.timeout(30_000) })),
      );
      const b = text(
        await collect(llm.chat([{ role: "user", content: "Hello there" }], { signal: AbortSignal.timeout(30_000) })),
      );
      expect(a).toBe(b);
    });

    it("constrains the reply to a JSON schema", async () => {
      const ds = await collect(
        llm.chat(
          [
            { role: "system", content: "Reply in JSON." },
            { role: "user", content: "The transcript: my pipe burst." },
          ],
          {
            signal: AbortSignal.timeout(30_000),
            schema: extractionSchema,
            maxTokens: 200,
          },
        ),
      );
      const value = JSON.parse(text(ds)) as { summary: unknown; urgency: unknown };
      expect(typeof value.summary).toBe("string");
      expect(Number.isInteger(value.urgency)).toBe(true);
    });

    it("stops at once when aborted and emits nothing after", async () => {
      const controller = new AbortController();
      const seen: LlmDelta[] = [];
      const run = (async () => {
        for await (const d of llm.chat([{ role: "user", content: "Tell me a long story" }], {
          signal: controller.signal,
          maxTokens: 400,
        })) {
          seen.push(d);
          if (seen.length === 1) controller.abort();
        }
      })();
      await expect(run).rejects.toThrow(/abort/i);
      expect(seen.length).toBe(1);
      // The slot was released: the engine still answers.
      const after = await collect(
        llm.chat([{ role: "user", content: "Hello there" }], { signal: AbortSignal.timeout(30_000) }),
      );
      expect(done(after)).toBeDefined();
    });

    it("serves more conversations than slots, in turn, without losing any", async () => {
      const chats = Array.from({ length: 5 }, (_, i) =>
        collect(
          llm.chat([{ role: "user", content: `Hello number ${i}` }], {
            signal: AbortSignal.timeout(60_000),
            sessionKey: `s${i}`,
          }),
        ),
      );
      const results = await Promise.all(chats);
      for (const r of results) expect(done(r)?.stopReason).toMatch(/stop|length/);
    });
  });
}

describe("LLM engine: tool calls on the scripted model", () => {
  let llm: LlmEngine;
  beforeAll(async () => {
    llm = await createEngine("llm", await generatedModel("tiny-llm"), testConfig());
  });
  afterAll(async () => llm?.dispose());

  const tools = [
    {
      name: "schedule_callback",
      description: "Schedule a call back to the caller",
      parameters: { type: "object", properties: { when: { type: "string" }, topic: { type: "string" } } },
    },
  ];

  it("asks for a tool, then continues from its result", async () => {
    const history: ChatMessage[] = [
      { role: "system", content: "You are a receptionist." },
      { role: "user", content: "Please call me back later" },
    ];
    const first = await collect(llm.chat(history, { signal: AbortSignal.timeout(30_000), tools }));
    const call = first.find((d): d is Extract<LlmDelta, { type: "tool_call" }> => d.type === "tool_call");
    expect(call?.call.name).toBe("schedule_callback");
    expect(call?.call.arguments).toEqual({ when: "tomorrow 10:00", topic: "order" });
    expect(done(first)?.stopReason).toBe("tool_calls");

    history.push({ role: "assistant", content: text(first), toolCalls: [call!.call] });
    history.push({
      role: "tool",
      toolCallId: call!.call.id,
      content: JSON.stringify({ status: "scheduled", when: "tomorrow 10:00" }),
    });
    const second = await collect(llm.chat(history, { signal: AbortSignal.timeout(30_000), tools }));
    expect(text(second)).toBe("Perfect, we will call you back tomorrow at ten. Goodbye!");
  });
});
