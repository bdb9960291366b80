/**
 * Retrieval quality on the generated FAQ (scripts/knowledge-faq): each of the
 * 50 questions has one right entry; a retriever ranks chunks, and the rank of
 * the chunk holding that entry gives recall@1, recall@3 and MRR@10.
 */

/** The FAQ as the evaluation needs it (scripts/knowledge-faq/faq.ts builds it). */
export interface FaqSet {
  markdown: string;
  entries: readonly { key: string; question: string }[];
  questions: readonly { text: string; entry: string }[];
}

export interface RetrievalScores {
  questions: number;
  recallAt1: number;
  recallAt3: number;
  /** Mean reciprocal rank, counting ranks up to 10. */
  mrrAt10: number;
  /** Questions whose entry was not in the top 3, with what came first instead. */
  misses: { question: string; expected: string; top: string[] }[];
}

/** Ranks an FAQ question: entry questions (chunk headings' last part), best first. */
export type Retriever = (question: string) => Promise<string[]> | string[];

/** The FAQ entry a chunk holds: the last part of its heading path (the entry's question). */
export function entryQuestion(heading: string): string {
  return heading.split(" > ").at(-1) ?? heading;
}

export async function scoreRetrieval(faq: FaqSet, retrieve: Retriever): Promise<RetrievalScores> {
  const byKey = new Map(faq.entries.map((e) => [e.key, e.question]));
  let at1 = 0;
  let at3 = 0;
  let mrr = 0;
  const misses: RetrievalScores["misses"] = [];
  for (const q of faq.questions) {
    const expected = byKey.get(q.entry);
    if (expected === undefined) throw new Error(`question ${JSON.stringify(q.text)}: no entry ${q.entry}`);
    const ranked = await retrieve(q.text);
    const rank = ranked.indexOf(expected) + 1;
    if (rank === 1) at1++;
    if (rank >= 1 && rank <= 3) at3++;
    else misses.push({ question: q.text, expected, top: ranked.slice(0, 3) });
    if (rank >= 1 && rank <= 10) mrr += 1 / rank;
  }
  const n = faq.questions.length;
  return { questions: n, recallAt1: at1 / n, recallAt3: at3 / n, mrrAt10: mrr / n, misses };
}

/** The generated FAQ, from the project's scripts (loaded on demand, like the test-model generators). */
export async function loadFaq(): Promise<FaqSet> {
  const mod = await import("../../../scripts/knowledge-faq/faq.js");
  return mod.buildFaq();
}
