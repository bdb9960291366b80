import { stringify } from "yaml";
import type { AgentDefinition } from "./definition.js";
import { redactAgent } from "./redact.js";

/**
 * A stored definition as people read it: YAML (as agents/*.yaml are written), auth values of HTTP tools shown as
 * `valueSet: true`. Used for a version's view and for the diff between versions, so a diff never shows a secret
 * (a changed secret shows as no change: the value is write-only).
 */
export function definitionYaml(definition: unknown): string {
  return stringify(redactAgent(definition as AgentDefinition));
}
