import type { ChatHistoryItem, ChatModelFunctions, LLamaChatContextShiftOptions } from "node-llama-cpp";
import { countHistoryTokens } from "./prompt-tokens.js";

type Strategy = Exclude<LLamaChatContextShiftOptions["strategy"], string | undefined>;

/**
 * The context shift node-llama-cpp uses when a history no longer fits the
 * context (a backstop: conversations fit their history before they call, see
 * agent/conversation/context-window.ts, so this runs only for callers that do
 * not, or a reply that outgrows the room left for it).
 *
 * Why not the library's default: node-llama-cpp 3.21.1's
 * "eraseFirstResponseAndKeepFirstSystem" measures its candidate histories
 * without the function definitions, which the chat wrapper documents inside
 * the system prompt, so with tools it returns a history short by exactly
 * their size, and the call fails with "The default context shift strategy did
 * not return a history that fits the context size" on every turn from then on.
 *
 * This one counts with the functions, keeps the first system item and the
 * last item (the reply being written, or the turn it continues), and drops
 * whole items after the system prompt, oldest first (a binary search over how
 * many, so a long history costs a few tokenizations, not one per item). If
 * those two alone are still too long, it cuts the start of the last item's
 * text.
 */
export function dropOldestItemsStrategy(functions: ChatModelFunctions | undefined): Strategy {
  return ({ chatHistory, maxTokensCount, tokenizer, chatWrapper }) => {
    const fits = (h: ChatHistoryItem[]) => countHistoryTokens(chatWrapper, tokenizer, h, functions) <= maxTokensCount;
    const head = chatHistory[0]?.type === "system" ? 1 : 0;
    const droppable = Math.max(0, chatHistory.length - 1 - head);
    const without = (n: number): ChatHistoryItem[] => [...chatHistory.slice(0, head), ...chatHistory.slice(head + n)];
    let lo = 0;
    let hi = droppable;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fits(without(mid))) hi = mid;
      else lo = mid + 1;
    }
    let history = without(lo);
    if (!fits(history)) history = shortenLastItem(history, fits);
    return { chatHistory: history, metadata: { droppedItems: lo } };
  };
}

/** Cuts the start of the last item's text (keeping its end, where the model continues) until the history fits. */
function shortenLastItem(history: ChatHistoryItem[], fits: (h: ChatHistoryItem[]) => boolean): ChatHistoryItem[] {
  const last = history[history.length - 1];
  if (!last || last.type === "system") return history;
  const text =
    last.type === "user" ? last.text : last.response.filter((r): r is string => typeof r === "string").join("");
  const withTail = (keep: number): ChatHistoryItem[] => {
    const tail = keep > 0 ? text.slice(-keep) : "";
    const item: ChatHistoryItem =
      last.type === "user"
        ? { type: "user", text: tail }
        : { type: "model", response: [...last.response.filter((r) => typeof r !== "string"), ...(tail ? [tail] : [])] };
    return [...history.slice(0, -1), item];
  };
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fits(withTail(mid))) lo = mid;
    else hi = mid - 1;
  }
  return withTail(lo);
}
