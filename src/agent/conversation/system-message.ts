import type { ChatMessage } from "../../engines/types.js";
import type { AgentDefinition } from "../definition.js";

/**
 * The message every conversation with the agent starts from: its system prompt (the tools' documentation is
 * added by the LLM engine from the specs). Live calls and the chat playground both start here, so trying an agent
 * in the console prompts the model exactly as a call would.
 */
export function systemMessage(agent: Pick<AgentDefinition, "systemPrompt">): ChatMessage {
  return { role: "system", content: agent.systemPrompt };
}
