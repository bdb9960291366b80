import type { AgentDefinition } from "./definition.js";

/**
 * HTTP tools' auth values are credentials, so they are write-only: every
 * place that shows a definition (the API, the console) shows
 * `auth: {header, valueSet: true}`. A definition sent back in that form keeps
 * the stored value (`keepStoredSecrets`), so read-modify-write through the API
 * never loses or leaks a secret.
 */
export function redactAgent(agent: AgentDefinition): AgentDefinition {
  return {
    ...agent,
    tools: agent.tools.map((t) =>
      t.type === "http" && t.auth ? { ...t, auth: { header: t.auth.header, valueSet: t.auth.value !== undefined } } : t,
    ),
  };
}

/**
 * Fills the auth value of each HTTP tool that came without one from the
 * stored definition's tool of the same name (and header). Returns the paths
 * of tools left without a value: a new tool must bring its secret.
 */
export function keepStoredSecrets(
  agent: AgentDefinition,
  stored: AgentDefinition | null,
): { agent: AgentDefinition; missing: string[] } {
  const missing: string[] = [];
  const tools = agent.tools.map((t, i) => {
    if (t.type !== "http" || !t.auth) return t;
    const { valueSet: _shown, ...auth } = t.auth;
    if (auth.value !== undefined) return { ...t, auth };
    const before = stored?.tools.find((s) => s.type === "http" && s.name === t.name);
    const value =
      before?.type === "http" && before.auth?.header.toLowerCase() === auth.header.toLowerCase()
        ? before.auth.value
        : undefined;
    if (value === undefined) missing.push(`tools.${i}.auth.value`);
    return { ...t, auth: { ...auth, ...(value !== undefined ? { value } : {}) } };
  });
  return { agent: { ...agent, tools }, missing };
}
