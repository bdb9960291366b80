import type { ChatMessage, ChatOptions, LlmDelta, LlmEngine, LlmUsage } from "../../engines/types.js";

/** One chat() call of a turn, on the wall clock (performance.now()). */
export interface ChatTiming {
  startedAt: number;
  /** The first text the model streamed, null when it only called a tool. */
  firstTextAt: number | null;
  /** When the tool call came out (node-llama-cpp hands it over once the call is fully decoded). */
  toolCallAt: number | null;
  endedAt: number | null;
  usage: LlmUsage | null;
}

/**
 * The engine as the turn uses it, with each chat() call's moments written
 * down: every other member is the engine's own. The deltas pass through
 * untouched, so the turn runs exactly as on a call.
 */
export function timedLlm(llm: LlmEngine, chats: ChatTiming[]): LlmEngine {
  const chat = (messages: ChatMessage[], options: ChatOptions) => timedChat(llm, messages, options, chats);
  return new Proxy(llm, {
    get(target, prop) {
      if (prop === "chat") return chat;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function* timedChat(
  llm: LlmEngine,
  messages: ChatMessage[],
  options: ChatOptions,
  chats: ChatTiming[],
): AsyncIterable<LlmDelta> {
  const t: ChatTiming = {
    startedAt: performance.now(),
    firstTextAt: null,
    toolCallAt: null,
    endedAt: null,
    usage: null,
  };
  chats.push(t);
  try {
    for await (const d of llm.chat(messages, options)) {
      if (d.type === "text") t.firstTextAt ??= performance.now();
      else if (d.type === "tool_call") t.toolCallAt ??= performance.now();
      else t.usage = d.usage;
      yield d;
    }
  } finally {
    t.endedAt = performance.now();
  }
}
