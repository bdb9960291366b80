import type { ChatHistoryItem, ChatModelFunctions, ChatWrapper, Token, Tokenizer } from "node-llama-cpp";

/**
 * The exact number of tokens a chat history makes for a model: rendered by
 * the model's own chat wrapper (template, tool documentation included) and
 * tokenized by its own tokenizer, as LlamaChat does before it evaluates.
 * Counting without the functions is what made node-llama-cpp's default
 * context shift return histories that did not fit (see context-shift.ts).
 */
export function countHistoryTokens(
  chatWrapper: ChatWrapper,
  tokenizer: Tokenizer,
  history: readonly ChatHistoryItem[],
  functions: ChatModelFunctions | undefined,
): number {
  return historyTokens(chatWrapper, tokenizer, history, functions).length;
}

/** The tokens themselves: what LlamaChat will evaluate for this history (shared prompt states compare them). */
export function historyTokens(
  chatWrapper: ChatWrapper,
  tokenizer: Tokenizer,
  history: readonly ChatHistoryItem[],
  functions: ChatModelFunctions | undefined,
): Token[] {
  const { contextText } = chatWrapper.generateContextState({
    chatHistory: [...history],
    ...(functions ? { availableFunctions: functions } : {}),
  });
  return contextText.tokenize(tokenizer);
}
