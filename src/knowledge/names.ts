import { KnowledgeError } from "./errors.js";

/** Agent names as agent definitions allow them (src/agent/definition.ts). */
const AGENT = /^[a-z0-9][a-z0-9_-]{0,62}$/;
/** A document name: what an operator calls the file; it appears in URLs (/v1/agents/{agent}/knowledge/{name}). */
const DOCUMENT = /^[^\u0000-\u001f\u007f/\\]{1,200}$/;

export function checkAgent(agent: string): string {
  if (!AGENT.test(agent))
    throw new KnowledgeError(
      "knowledge_agent_invalid",
      `agent '${agent}': lowercase letters, digits, '-' and '_' (at most 63)`,
    );
  return agent;
}

export function checkDocumentName(name: string): string {
  const trimmed = name.trim();
  if (!DOCUMENT.test(trimmed) || trimmed === "." || trimmed === "..") {
    throw new KnowledgeError(
      "knowledge_name_invalid",
      `document name ${JSON.stringify(name)}: 1 to 200 characters, no '/', '\\' or control characters`,
    );
  }
  return trimmed;
}
