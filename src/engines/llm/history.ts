import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, ChatModelResponse } from "node-llama-cpp";
import type { ChatMessage, ToolSpec } from "../types.js";

/**
 * Converts Parley's chat messages to node-llama-cpp's history. Tool results
 * are folded into the function call of the assistant turn that asked for
 * them, and the history always ends in a model turn that the model continues:
 * an empty one for a fresh reply, or the turn whose tool results just arrived.
 */
export function toLlamaHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const callsById = new Map<string, ChatModelFunctionCall>();
  for (const m of messages) {
    switch (m.role) {
      case "system":
        history.push({ type: "system", text: m.content });
        break;
      case "user":
        history.push({ type: "user", text: m.content });
        break;
      case "assistant": {
        const response: ChatModelResponse["response"] = [];
        if (m.content) response.push(m.content);
        for (const call of m.toolCalls ?? []) {
          const item: ChatModelFunctionCall = {
            type: "functionCall",
            name: call.name,
            params: call.arguments,
            result: undefined,
          };
          callsById.set(call.id, item);
          response.push(item);
        }
        history.push({ type: "model", response });
        break;
      }
      case "tool": {
        const call = callsById.get(m.toolCallId);
        if (call) call.result = parseResult(m.content);
        break;
      }
    }
  }
  const last = history[history.length - 1];
  if (last?.type !== "model" || !endsWithToolResults(last)) history.push({ type: "model", response: [] });
  return history;
}

function endsWithToolResults(item: ChatModelResponse): boolean {
  const tail = item.response[item.response.length - 1];
  return typeof tail === "object" && tail !== null && (tail as { type?: string }).type === "functionCall";
}

function parseResult(content: string): unknown {
  try {
    return JSON.parse(content) as unknown;
  } catch {
    return content;
  }
}

/** Parley's tool specs as node-llama-cpp's function definitions (documented in the system prompt by the chat wrapper). */
export function toFunctions(tools: ToolSpec[]): ChatModelFunctions {
  return Object.fromEntries(
    tools.map((t) => [t.name, { description: t.description, params: t.parameters }]),
  ) as ChatModelFunctions;
}
