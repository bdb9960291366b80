import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEngine } from "../../../src/engines/factory.js";
import type { ChatMessage, LlmDelta, LlmEngine } from "../../../src/engines/types.js";
import { generatedModel, testConfig } from "../../helpers/models.js";

/**
 * The LLM pauses its decoding while a reply's first words are synthesised
 * (engines.llm.firstWordsHoldMs), on the tiny model through node-llama-cpp's
 * real batch dispatch: the reply stops where it was and goes on when the
 * words are audio, unless another caller's reply still waits for its own.
 */
const history = (n: number): ChatMessage[] => [
  { role: "system", content: "You are a helpful receptionist." },
  { role: "user", content: `hello i would like to book a table for two, caller ${n}` },
];

/** The largest firstWordsHoldMs the config allows: these holds end by their words (or another reply), not the limit. */
const LIMIT_MS = 2000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a reply, calling `atFirstWords` on its first text (as the agent does at its first clause). */
async function reply(
  llm: LlmEngine,
  key: string,
  atFirstWords: () => void,
): Promise<{ deltas: LlmDelta[]; doneAt: number }> {
  const deltas: LlmDelta[] = [];
  for await (const d of llm.chat(history(key.length), { signal: AbortSignal.timeout(30_000), sessionKey: key })) {
    if (d.type === "text" && !deltas.some((x) => x.type === "text")) atFirstWords();
    deltas.push(d);
  }
  return { deltas, doneAt: performance.now() };
}

describe("LLM engine: the first words before the rest of the reply", () => {
  let llm: LlmEngine;
  beforeAll(async () => {
    const ref = await generatedModel("tiny-llm");
    const config = { parallel: 2, maxTokens: 48, firstWordsHoldMs: LIMIT_MS };
    llm = await createEngine("llm", ref, testConfig({ engines: { llm: config } }));
  });
  afterAll(async () => llm?.dispose());

  it("holds the rest of a reply until its first words are audio, then finishes it", async () => {
    let speak: () => void = () => undefined;
    const words = new Promise<void>((r) => (speak = r));
    let held: boolean | undefined;
    const run = reply(llm, "caller-a", () => (held = llm.yieldToSpeech?.("caller-a", words)));
    let finished = false;
    void run.then(() => (finished = true));
    await sleep(400);
    expect(held).toBe(true);
    // The scripted reply takes a few ms to decode whole; held, it has not finished.
    expect(finished).toBe(false);
    const spokeAt = performance.now();
    speak();
    const { deltas, doneAt } = await run;
    expect(doneAt).toBeGreaterThanOrEqual(spokeAt);
    expect(deltas.at(-1)).toMatchObject({ type: "done", stopReason: "stop" });
    expect(deltas.filter((d) => d.type === "text").length).toBeGreaterThan(3);
  });

  it("does not hold while another caller's reply waits for its first words", async () => {
    // Both replies begin before either has a token, so whichever reaches its words first finds the other waiting.
    const answers: boolean[] = [];
    const atWords = (key: string) => () => void answers.push(llm.yieldToSpeech?.(key, Promise.resolve()) ?? false);
    const results = await Promise.all([
      reply(llm, "caller-a2", atWords("caller-a2")),
      reply(llm, "caller-b2", atWords("caller-b2")),
    ]);
    expect(answers[0]).toBe(false);
    expect(answers).toHaveLength(2);
    expect(results.map((r) => r.deltas.at(-1)?.type)).toEqual(["done", "done"]);
  });

  it("a reply that starts ends another's hold at once, not at its limit", async () => {
    let heldAt = 0;
    let startB: () => void = () => undefined;
    const bMayStart = new Promise<void>((r) => (startB = r));
    // A's words never become audio: only the limit, or another reply starting, ends its hold.
    const a = reply(llm, "caller-a3", () => {
      expect(llm.yieldToSpeech?.("caller-a3", new Promise(() => undefined))).toBe(true);
      heldAt = performance.now();
      startB();
    });
    await bMayStart;
    await sleep(100);
    const b = reply(llm, "caller-b3", () => undefined);
    const [ra, rb] = await Promise.all([a, b]);
    expect(rb.deltas.at(-1)?.type).toBe("done");
    expect(ra.deltas.at(-1)?.type).toBe("done");
    expect(ra.doneAt - heldAt).toBeLessThan(LIMIT_MS);
  });

  it("lets the reply that started first decode alone until its first words, then the next (replies in turn)", async () => {
    // On CPU (these tests' engine) replies take turns for their first words: B's prompt is not read beside A's
    // steps, so B's first text comes only after A has handed its first words over (here: at its third text).
    const AT = 3;
    const events: string[] = [];
    const run = async (key: string, wordsAt: number) => {
      let texts = 0;
      for await (const d of llm.chat(history(key.length), { signal: AbortSignal.timeout(30_000), sessionKey: key })) {
        if (d.type !== "text") continue;
        events.push(`${key}:${++texts}`);
        if (texts === wordsAt) llm.yieldToSpeech?.(key, Promise.resolve());
      }
      return texts;
    };
    const [a, b] = await Promise.all([run("caller-a4", AT), run("caller-b4", 1)]);
    expect(a).toBeGreaterThan(AT);
    expect(b).toBeGreaterThan(0);
    expect(events.indexOf("caller-b4:1")).toBeGreaterThan(events.indexOf(`caller-a4:${AT}`));
  });
});
