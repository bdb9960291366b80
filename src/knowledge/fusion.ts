/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): each
 * list gives an item 1 / (k + rank), ranks from 1, and the sums order the
 * result. It needs no calibration between BM25 scores and cosine distances,
 * which live on unrelated scales; k = 60 is the paper's constant, which keeps
 * one list's top hit from drowning agreement between the two.
 */
export const RRF_K = 60;

export interface RankedList {
  name: string;
  /** Best first. */
  ids: readonly number[];
}

export interface Fused {
  id: number;
  score: number;
  /** Rank (from 1) in each list the item appears in. */
  ranks: Record<string, number>;
}

/** Fuses ranked lists; ties keep the order of first appearance (list order, then rank). */
export function reciprocalRankFusion(lists: readonly RankedList[], k: number = RRF_K): Fused[] {
  const fused = new Map<number, Fused>();
  for (const list of lists) {
    list.ids.forEach((id, i) => {
      const entry = fused.get(id) ?? { id, score: 0, ranks: {} };
      entry.score += 1 / (k + i + 1);
      entry.ranks[list.name] = i + 1;
      fused.set(id, entry);
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
