import type { KnowledgeSearch } from "../agent/tools/index.js";
import type { LlmEngine } from "../engines/types.js";
import { describeError, isAbortError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";

export interface KnowledgeContextOptions {
  search: KnowledgeSearch;
  llm: LlmEngine;
  logger: Logger;
  /** Passages to search for (0: none). */
  k: number;
  /** Most prompt tokens the passages may take together. */
  maxTokens: number;
  signal: AbortSignal;
}

/**
 * The agent's knowledge-base passages that best match a message's transcript,
 * as background for extraction ("the Harbour clinic" is a place, "Dr Okafor"
 * a dentist): the best first, as many as fit `maxTokens` by the LLM's own
 * tokenizer. A search that fails costs the message its background, never its
 * processing.
 */
export async function knowledgeContext(
  agent: string,
  transcript: string,
  o: KnowledgeContextOptions,
): Promise<{ heading: string; text: string }[]> {
  if (o.k === 0 || o.maxTokens === 0 || !transcript.trim()) return [];
  let hits;
  try {
    ({ hits } = await o.search(agent, transcript, { k: o.k, signal: o.signal }));
  } catch (err) {
    if (isAbortError(err)) throw err;
    o.logger.warn(
      { agent, err: describeError(err) },
      "knowledge search for voicemail context failed; going on without",
    );
    return [];
  }
  const out: { heading: string; text: string }[] = [];
  let used = 0;
  for (const h of hits) {
    const tokens = o.llm.countTokens([{ role: "user", content: `${h.heading}: ${h.text}` }]);
    if (used + tokens > o.maxTokens) break;
    out.push({ heading: h.heading, text: h.text });
    used += tokens;
  }
  return out;
}
