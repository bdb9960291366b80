import type { AgentDefinition, RoutingRule } from "./definition.js";

/** The facts routing rules match on. */
export interface RoutingInput {
  urgency: number;
  category: string;
  tags: string[];
  mailbox: string | null;
}

export type RoutingAction =
  | { type: "webhook"; endpoint: string }
  | { type: "callback"; inMinutes: number }
  | { type: "status"; status: "escalated" | "handled" | "archived" };

export interface RoutingDecision {
  matched: string[];
  actions: (RoutingAction & { rule: string })[];
}

function matches(rule: RoutingRule, x: RoutingInput): boolean {
  const w = rule.when;
  if (w.urgencyAtLeast !== undefined && x.urgency < w.urgencyAtLeast) return false;
  if (w.categories && !w.categories.includes(x.category)) return false;
  if (w.tagsAny && !w.tagsAny.some((t) => x.tags.includes(t.toLowerCase()))) return false;
  if (w.mailboxes && (x.mailbox === null || !w.mailboxes.includes(x.mailbox))) return false;
  return true;
}

/** Declarative routing: rules in order, every condition of a rule must hold, `stop` ends the walk. */
export function route(agent: AgentDefinition, input: RoutingInput): RoutingDecision {
  const decision: RoutingDecision = { matched: [], actions: [] };
  for (const rule of agent.voicemail.routing) {
    if (!matches(rule, input)) continue;
    decision.matched.push(rule.name);
    for (const a of rule.actions) {
      if ("webhook" in a) decision.actions.push({ rule: rule.name, type: "webhook", endpoint: a.webhook });
      else if ("callback" in a)
        decision.actions.push({ rule: rule.name, type: "callback", inMinutes: a.callback.inMinutes });
      else decision.actions.push({ rule: rule.name, type: "status", status: a.status });
    }
    if (rule.stop) break;
  }
  return decision;
}
