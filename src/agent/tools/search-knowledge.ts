import type { KnowledgeHit } from "../../knowledge/index.js";
import type { TurnSource } from "../../store/records/call-turn.js";
import type { AgentTool } from "../definition.js";
import type { ToolHandler } from "./types.js";

type Builtin = Extract<AgentTool, { type: "builtin" }>;

/** What the model gets back at most: a small model answers from a few short passages, not from pages. */
const MAX_RESULT_CHARS = 4000;
const EXCERPT_CHARS = 200;

/**
 * `search_knowledge`: hybrid retrieval over the agent's own documents (the
 * knowledge base, reached through the `searchKnowledge` port the app gives
 * the call). The model gets the best chunks as numbered passages to answer
 * from; the turn records them as its sources, so the transcript shows what
 * the answer was based on.
 */
export function searchKnowledgeTool(def: Builtin): ToolHandler {
  return {
    spec: {
      name: "search_knowledge",
      description:
        def.description ??
        "Look up our documents (opening hours, prices, policies, frequently asked questions) before answering a question about the business.",
      parameters: {
        type: "object",
        properties: { query: { type: "string", description: "the caller's question in a few words" } },
      },
    },
    async run(args, ctx) {
      const query = typeof args.query === "string" ? args.query.trim().slice(0, 500) : "";
      if (!query) return { result: { status: "error", error: "say what to look up in the query" } };
      const search = ctx.services.searchKnowledge;
      if (!search)
        return { result: { status: "unavailable", error: "this server has no knowledge base for the agent" } };
      const { hits } = await search(ctx.agent.name, query, {
        ...(def.k !== undefined ? { k: def.k } : {}),
        signal: ctx.signal,
      });
      const kept = withinBudget(hits);
      if (kept.length === 0)
        return {
          result: {
            status: "no_results",
            instruction: "tell the caller you do not have that information, and offer to take a message",
          },
        };
      return {
        result: {
          status: "found",
          instruction: "answer only from these passages; if they do not answer the question, say so",
          passages: kept.map((h, i) => ({ n: i + 1, source: h.documentName, heading: h.heading, text: h.text })),
        },
        sources: kept.map(turnSource),
      };
    },
  };
}

/** The best hits whose text fits the model's budget (the first always goes, cut if it must be). */
function withinBudget(hits: KnowledgeHit[]): KnowledgeHit[] {
  const out: KnowledgeHit[] = [];
  let used = 0;
  for (const h of hits) {
    const size = h.text.length + h.heading.length;
    if (out.length > 0 && used + size > MAX_RESULT_CHARS) break;
    out.push(out.length === 0 && size > MAX_RESULT_CHARS ? { ...h, text: h.text.slice(0, MAX_RESULT_CHARS) } : h);
    used += size;
  }
  return out;
}

export function turnSource(h: KnowledgeHit): TurnSource {
  const flat = h.text.replace(/\s+/g, " ").trim();
  return {
    chunkId: h.chunkId,
    document: h.documentName,
    version: h.documentVersion,
    position: h.position,
    heading: h.heading,
    excerpt: flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat,
  };
}
