import type { ToolSpec } from "../../engines/types.js";
import type { AgentDefinition } from "../definition.js";
import { builtinTool } from "./builtin.js";
import { httpTool } from "./http-tool.js";
import type { ToolHandler } from "./types.js";

export type { AfterTurn, KnowledgeSearch, ToolContext, ToolHandler, ToolOutcome, ToolServices } from "./types.js";
export { parseWhen } from "./when.js";
export { callbackTimeFor } from "./callback-time.js";

/** The agent's tools, by name, ready to offer to the model and run. */
export class ToolSet {
  private readonly handlers = new Map<string, ToolHandler>();

  constructor(agent: AgentDefinition) {
    for (const t of agent.tools) this.handlers.set(t.name, t.type === "builtin" ? builtinTool(t) : httpTool(t));
  }

  get specs(): ToolSpec[] {
    return [...this.handlers.values()].map((h) => h.spec);
  }

  get(name: string): ToolHandler | undefined {
    return this.handlers.get(name);
  }
}
