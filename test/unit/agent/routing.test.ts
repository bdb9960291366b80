import { describe, expect, it } from "vitest";
import { parseAgent } from "../../../src/agent/load.js";
import { route } from "../../../src/agent/routing.js";

const agent = parseAgent(
  {
    name: "a",
    systemPrompt: "x",
    voicemail: {
      categories: ["billing", "emergency", "other"],
      routing: [
        {
          name: "urgent",
          when: { urgencyAtLeast: 4 },
          actions: [{ status: "escalated" }, { webhook: "on-call" }],
          stop: true,
        },
        {
          name: "billing-sales",
          when: { categories: ["billing"], mailboxes: ["200"] },
          actions: [{ webhook: "billing" }],
        },
        { name: "tagged", when: { tagsAny: ["Refund"] }, actions: [{ callback: { inMinutes: 30 } }] },
      ],
    },
  },
  "test",
);

describe("voicemail routing rules", () => {
  it("applies every matching rule in order", () => {
    const d = route(agent, { urgency: 2, category: "billing", tags: ["refund"], mailbox: "200" });
    expect(d.matched).toEqual(["billing-sales", "tagged"]);
    expect(d.actions).toEqual([
      { rule: "billing-sales", type: "webhook", endpoint: "billing" },
      { rule: "tagged", type: "callback", inMinutes: 30 },
    ]);
  });

  it("stops after a rule marked stop", () => {
    const d = route(agent, { urgency: 5, category: "billing", tags: ["refund"], mailbox: "200" });
    expect(d.matched).toEqual(["urgent"]);
    expect(d.actions.map((a) => a.type)).toEqual(["status", "webhook"]);
  });

  it("requires every condition of a rule", () => {
    expect(route(agent, { urgency: 1, category: "billing", tags: [], mailbox: "300" }).matched).toEqual([]);
    expect(route(agent, { urgency: 1, category: "billing", tags: [], mailbox: null }).matched).toEqual([]);
  });
});
