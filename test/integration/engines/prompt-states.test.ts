import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import type { ChatMessage, LlmDelta, LlmEngine, LlmUsage, ToolSpec } from "../../../src/engines/types.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * Saved prompt states on the tiny LLM: the opening every call of an agent
 * shares (system prompt and tool documentation) is evaluated once and loaded
 * into each new call's sequence. What is checked is what llama.cpp evaluated
 * (the token meter) and that replies do not change; how much time it saves
 * is measured by `parley bench calls` on the load profiles.
 */
const SYSTEM: ChatMessage = {
  role: "system",
  content:
    "You are the receptionist of a dental practice. Answer in one short sentence. Offer to take a message when you cannot help. Never give medical advice. Opening hours are eight to six on weekdays.",
};
const TOOLS: ToolSpec[] = [
  {
    name: "take_message",
    description: "Takes a message for the team.",
    parameters: { type: "object", properties: { text: { type: "string" } } },
  },
  {
    name: "schedule_callback",
    description: "Books a call back at a time the caller names.",
    parameters: { type: "object", properties: { when: { type: "string" } } },
  },
];
const firstTurn = (question: string): ChatMessage[] => [
  SYSTEM,
  { role: "assistant", content: "Hello, you are through to the practice." },
  { role: "user", content: question },
];

async function reply(
  llm: LlmEngine,
  messages: ChatMessage[],
  sessionKey: string,
): Promise<{ text: string; usage: LlmUsage }> {
  let text = "";
  let usage: LlmUsage | null = null;
  for await (const d of llm.chat(messages, {
    signal: AbortSignal.timeout(60_000),
    tools: TOOLS,
    sessionKey,
    maxTokens: 16,
  }) as AsyncIterable<LlmDelta>) {
    if (d.type === "text") text += d.text;
    if (d.type === "done") usage = d.usage;
  }
  if (!usage) throw new Error("no usage reported");
  return { text, usage };
}

describe("shared prompt states (tiny LLM)", () => {
  let tmp: string;
  let savedTmp: string | undefined;
  let plain: LlmEngine;
  let model: Awaited<ReturnType<typeof generatedModel>>;
  const engine = () => createEngine("llm", model, testConfig({ engines: { llm: { parallel: 4, promptStates: 4 } } }));
  beforeAll(async () => {
    // The engine keeps its states under os.tmpdir(): a folder of this test's own, to look into.
    tmp = mkdtempSync(join(tmpdir(), "parley-prompt-states-test-"));
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    model = await generatedModel("tiny-llm");
    plain = await createEngine("llm", model, testConfig({ engines: { llm: { parallel: 2, promptStates: 0 } } }));
  });
  afterAll(async () => {
    await plain?.dispose();
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(tmp, { recursive: true, force: true });
  });

  it("prepare() evaluates the opening once; a new call then evaluates only its own part, and replies are unchanged", async () => {
    const llm = await engine();
    try {
      const full = llm.countTokens(firstTurn("What are your opening hours?"), TOOLS);
      const cold = await reply(plain, firstTurn("What are your opening hours?"), "cold");
      expect(cold.usage.promptTokens).toBeGreaterThanOrEqual(full - 2);

      await llm.prepare!([SYSTEM], TOOLS, AbortSignal.timeout(60_000));
      const states = (llm as unknown as { promptStates: number }).promptStates;
      expect(states).toBe(1);
      const opening =
        full -
        llm.countTokens([
          { role: "assistant", content: "Hello, you are through to the practice." },
          { role: "user", content: "What are your opening hours?" },
        ]);
      expect(opening).toBeGreaterThan(64); // the system block with the tools' documentation

      const warm = await reply(llm, firstTurn("What are your opening hours?"), "call-1");
      expect(warm.text).toBe(cold.text);
      // Only what follows the shared opening was evaluated (the greeting, the question, the template around them).
      expect(warm.usage.promptTokens).toBeLessThan(full - opening + 16);
      expect(warm.usage.promptTokens).toBeGreaterThan(0);

      // A second caller with another question, on another sequence: the same shortcut, and no new state.
      const other = await reply(llm, firstTurn("Can I leave a message?"), "call-2");
      expect(other.usage.promptTokens).toBeLessThan(full - opening + 16);
      expect(other.text).toBe((await reply(plain, firstTurn("Can I leave a message?"), "cold-2")).text);
      expect((llm as unknown as { promptStates: number }).promptStates).toBe(1);

      // call-1's second turn, back on its own sequence: only the new turn is read, and nothing is loaded over it.
      const second = [
        ...firstTurn("What are your opening hours?"),
        { role: "assistant" as const, content: warm.text },
        { role: "user" as const, content: "Thank you." },
      ];
      const next = await reply(llm, second, "call-1");
      expect(next.usage.promptTokens).toBeLessThan(full - opening);
      expect(next.text).toBe((await reply(plain, second, "cold-next")).text);
    } finally {
      await llm.dispose();
    }
    // Disposing removes the state files.
    expect(readdirSync(tmp).filter((f) => f.startsWith("parley-llm-prompts-"))).toEqual([]);
  });

  it("without prepare(), the first call leaves its opening for the next ones", async () => {
    const llm = await engine();
    try {
      const first = await reply(llm, firstTurn("What are your opening hours?"), "call-1");
      expect((llm as unknown as { promptStates: number }).promptStates).toBe(1);
      const second = await reply(llm, firstTurn("Can I leave a message?"), "call-2");
      expect(second.usage.promptTokens).toBeLessThan(first.usage.promptTokens / 2);
    } finally {
      await llm.dispose();
    }
  });

  it("a state file that cannot be loaded costs only the prefill: the call is answered as without states", async () => {
    const llm = await engine();
    try {
      await llm.prepare!([SYSTEM], TOOLS, AbortSignal.timeout(60_000));
      const dir = readdirSync(tmp).find((f) => f.startsWith("parley-llm-prompts-"));
      expect(dir).toBeDefined();
      for (const f of readdirSync(join(tmp, dir!))) writeFileSync(join(tmp, dir!, f), "not a llama.cpp state");
      const question = "What are your opening hours?";
      const r = await reply(llm, firstTurn(question), "call-1");
      expect(r.text).toBe((await reply(plain, firstTurn(question), "cold-3")).text);
      expect(r.usage.promptTokens).toBeGreaterThanOrEqual(llm.countTokens(firstTurn(question), TOOLS) - 2);
    } finally {
      await llm.dispose();
    }
  });
});
