import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { parseDocument } from "yaml";
import { ParleyError } from "../lib/errors.js";
import { agentSchema, type AgentDefinition } from "./definition.js";
import { localizeAgentDefaults } from "./phrases/agent-defaults.js";

/** An invalid agent definition; the message names the source, the field and the reason. */
export class AgentDefinitionError extends ParleyError {
  constructor(message: string, details?: Record<string, unknown>) {
    super("agent_invalid", message, { status: 422, ...(details ? { details } : {}) });
    this.name = "AgentDefinitionError";
  }
}

/** Validates one definition (from a file or an API body). */
export function parseAgent(input: unknown, source: string): AgentDefinition {
  const result = agentSchema.safeParse(input);
  // Lines left at their (English) defaults are said in the agent's language.
  if (result.success) return localizeAgentDefaults(result.data);
  const issues = result.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const text = issues.map((i) => `${i.path || "(root)"}: ${i.message}`).join("; ");
  throw new AgentDefinitionError(`${source}: ${text}`, { issues });
}

/** Reads and validates one YAML file; the agent's name must match the file name. */
export function loadAgentFile(file: string): AgentDefinition {
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.errors.length > 0)
    throw new AgentDefinitionError(`${file}: invalid YAML: ${doc.errors[0]?.message.split("\n")[0]}`);
  const agent = parseAgent(doc.toJS(), file);
  agent.tools.forEach((t, i) => {
    // Only the API keeps a stored value for a definition sent back without one; a file must carry it.
    if (t.type === "http" && t.auth && t.auth.value === undefined)
      throw new AgentDefinitionError(`${file}: tools.${i}.auth.value: required`);
  });
  const expected = basename(file).replace(/\.ya?ml$/, "");
  if (agent.name !== expected)
    throw new AgentDefinitionError(`${file}: name: '${agent.name}' must match the file name '${expected}'`);
  // A path in an agent file is relative to that file, as paths in parley.yaml are to it: the greeting beside the
  // agent is found wherever `parley serve` starts.
  const box = agent.mailbox;
  if (box?.greetingWav && !isAbsolute(box.greetingWav)) box.greetingWav = resolve(dirname(file), box.greetingWav);
  return agent;
}

/** Every agents/*.yaml in a folder; the first invalid file stops the load with its error. */
export function loadAgentDir(dir: string): AgentDefinition[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => loadAgentFile(join(dir, f)));
}
