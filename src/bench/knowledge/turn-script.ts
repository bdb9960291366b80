import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ParleyConfig } from "../../config/index.js";
import type { ModelRef } from "../../engines/model-ref.js";
import { catalogForConfig, type CatalogModel } from "../../models/index.js";

/**
 * What the turn section asks and how the scripted LLM answers. The question
 * is one of the FAQ's 50 (its entry is the Station Square clinic's, whose
 * parking sentence names the railway station). The LLM's script (highest
 * rule first, triggers matched anywhere in the prompt):
 *  - "railway" in the prompt: the answer. It is there when the passages are
 *    (through search_knowledge), or when the agent's prompt holds the fact
 *    (the direct agent, which has no knowledge base).
 *  - "ticket" (the question): call search_knowledge.
 * So the same question gets the same reply both ways, and the only
 * difference between the two turns is the search and the pass it adds.
 */
export const TURN_QUESTION = "Can you validate my parking ticket at Station Square?";
/**
 * What caller n says: the question after a line of their own. The engine keeps each sequence's tokens and reuses
 * the longest prefix a new prompt shares with them, so the same words asked again would cost no prefill; different
 * callers' words differ, and so do these, from the caller's line on.
 */
export function callerSays(n: number): string {
  return `Hello, this is caller ${n}. ${TURN_QUESTION}`;
}
export const TURN_ANSWER = "Please use the railway station car park; we cannot validate tickets there.";
export const TURN_QUERY = "parking ticket Station Square";
/** The direct agent's prompt holds the fact, in the FAQ's words. */
export const TURN_FACT =
  "Parking at the Station Square clinic: use the railway station's pay-and-display car park; we cannot validate tickets there.";

export const TURN_SCRIPT = {
  rules: [
    { triggers: ["railway"], reply: TURN_ANSWER },
    { triggers: ["ticket"], reply: `||call: search_knowledge({"query": "${TURN_QUERY}"})` },
  ],
  defaultReply: "How can I help you today?",
};

/** The least context the turn's LLM gets: the agent's opening, the question, the call and three passages. */
const MIN_CONTEXT = 4096;

export type TurnLlm = { ref: ModelRef } | { skip: string };

/**
 * The profile's LLM with the turn script: the same generator and shapes (the
 * tiny scripted LLM, or a load double with the real model's compute), only
 * the rules differ. Generated once into `cacheDir/bench-knowledge` (a load
 * double is hundreds of MB and takes minutes), keyed by the generator's
 * arguments; its context is at least MIN_CONTEXT. A profile whose LLM is a real model cannot be scripted: the
 * turn section is skipped, and says why.
 */
export async function turnLlm(
  config: ParleyConfig,
  cwd: string,
  cacheDir: string,
  log: (line: string) => void,
): Promise<TurnLlm> {
  const base = catalogForConfig(config, cwd).resolveProfile(config.profile).models.llm;
  if (!base.generator)
    return {
      skip: `the profile's LLM ${base.id} is a real model, whose replies cannot be scripted; the turn section runs on tiny and the load profiles`,
    };
  const args = { ...base.generator.args, ...TURN_SCRIPT };
  const key = createHash("sha256")
    .update(JSON.stringify([base.generator.name, args]))
    .digest("hex")
    .slice(0, 12);
  // tiny's 2048 tokens do not hold three passages at one token a character (about 2,500 tokens): given 4096 there.
  const contextSize = Math.max(Number(base.config.contextSize ?? 0), MIN_CONTEXT);
  const model: CatalogModel = {
    ...base,
    id: `${base.id}-kb-turn`,
    generator: { ...base.generator, args },
    config: { ...base.config, contextSize },
  };
  const dir = join(cacheDir, "bench-knowledge", `${model.id}-${key}`);
  if (!existsSync(join(dir, ".complete"))) {
    log(`generating ${model.id} (${base.id} with the turn's script) into ${dir}`);
    const tmp = `${dir}.partial-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    try {
      const { generateTestModel } = await import("../../../scripts/test-models/index.js");
      await generateTestModel(base.generator.name, args, tmp);
      await writeFile(join(tmp, ".complete"), "");
      await rm(dir, { recursive: true, force: true });
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }
  return { ref: { model, dir } };
}
