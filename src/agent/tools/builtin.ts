import type { AgentTool } from "../definition.js";
import type { ToolContext, ToolHandler } from "./types.js";
import { searchKnowledgeTool } from "./search-knowledge.js";
import { parseWhen } from "./when.js";

/**
 * The built-in tools. Descriptions are what the model reads; they are written
 * for small local models: short, concrete, one job each.
 */
type Builtin = Extract<AgentTool, { type: "builtin" }>;

function transcriptSummary(ctx: ToolContext): string {
  // The callback carries the conversation so far, so the person who calls can pick it up.
  return ctx
    .history()
    .filter((m) => m.role === "user" || (m.role === "assistant" && m.content))
    .map((m) => `${m.role === "user" ? "Caller" : "Agent"}: ${m.content}`)
    .join("\n")
    .slice(-2000);
}

export function builtinTool(def: Builtin): ToolHandler {
  switch (def.name) {
    case "hangup":
      return {
        spec: {
          name: "hangup",
          description: def.description ?? "End the call once the caller has nothing more to ask.",
          parameters: { type: "object", properties: {} },
        },
        run: async () => ({ result: { status: "ending" }, after: { type: "hangup", outcome: "agent_hangup" } }),
      };
    case "transfer":
      return {
        spec: {
          name: "transfer",
          description: def.description ?? "Put the caller through to a person at the front desk.",
          parameters: {
            type: "object",
            properties: { reason: { type: "string", description: "why the caller needs a person" } },
          },
        },
        run: async () => ({
          result: { status: "transferring" },
          after: { type: "transfer", target: def.target as string },
        }),
      };
    case "take_message":
      return {
        spec: {
          name: "take_message",
          description: def.description ?? "Let the caller record a message for the team.",
          parameters: { type: "object", properties: {} },
        },
        run: async () => ({ result: { status: "recording" }, after: { type: "take-message" } }),
      };
    case "search_knowledge":
      return searchKnowledgeTool(def);
    case "schedule_callback":
      return {
        spec: {
          name: "schedule_callback",
          description:
            def.description ?? "Arrange for the team to phone the caller at an agreed time, then end this call.",
          parameters: {
            type: "object",
            properties: {
              when: { type: "string", description: "day and time, e.g. tomorrow 10:00" },
              topic: { type: "string", description: "what the call is about" },
            },
          },
        },
        run: async (args, ctx) => {
          const whenText = typeof args.when === "string" ? args.when : "";
          const when = parseWhen(whenText, ctx.services.now(), ctx.services.timeZone);
          if (!when)
            return {
              result: { status: "error", error: `could not read the time '${whenText}'; ask for a day and a time` },
            };
          if (when.getTime() < ctx.services.now().getTime() - 60_000)
            return {
              result: { status: "error", error: `${when.toISOString()} has passed; ask for a time from now on` },
            };
          // Offer only what can be kept: a time the callback rules forbid is refused with the first time that works.
          const check = await ctx.services.callbackTime?.(ctx.caller, when);
          if (check && !check.ok) {
            return {
              result: {
                status: "unavailable",
                error: `we cannot call back then: ${check.reason}`,
                ...(check.next ? { firstPossible: check.next.toISOString(), firstPossibleLocal: check.nextLocal } : {}),
                instruction: check.next
                  ? "offer the caller the first possible time instead, and schedule it only if they agree"
                  : "tell the caller we cannot arrange a callback",
              },
            };
          }
          const topic = typeof args.topic === "string" && args.topic ? args.topic : "the caller's request";
          const { jobId } = await ctx.services.scheduleCallback({
            to: ctx.caller,
            when,
            topic,
            summary: transcriptSummary(ctx),
            agent: ctx.agent.name,
            callId: ctx.callId,
          });
          return {
            result: { status: "scheduled", when: when.toISOString(), jobId },
            after: { type: "hangup", outcome: "callback_scheduled" },
          };
        },
      };
  }
}
