import { describe, expect, it } from "vitest";
import { createPrivacyPolicy } from "../../../src/agent/privacy-policy.js";
import { KeypadSecrets, KEYED_MASK } from "../../../src/agent/conversation/keypad-secrets.js";
import { privacySection, type AgentPrivacy } from "../../../src/config/sections/privacy.js";

const SAID = "card 4111 1111 1111 1111, mail anna.berg@example.com";

describe("the privacy policy: global rules with each agent's override", () => {
  const global = privacySection.parse({});
  const agents = new Map<string, AgentPrivacy>();
  const policy = createPrivacyPolicy(global, (name) => agents.get(name));

  it("masks by the global rules (cards and national IDs by default) where no agent is named or it has no override", () => {
    expect(policy.scrub(null, SAID)).toBe("card [card], mail anna.berg@example.com");
    expect(policy.scrub("plain", { text: SAID, callId: 4111111111111111 })).toEqual({
      text: "card [card], mail anna.berg@example.com",
      callId: 4111111111111111,
    });
    expect(policy.recordingMode("plain")).toBe("silence");
  });

  it("lays an agent's override over them, and follows the agent when it is saved again", () => {
    agents.set("gdpr", { redact: { kinds: ["card", "email"], mask: "partial" }, recordings: { sensitive: "pause" } });
    expect(policy.scrub("gdpr", SAID)).toBe("card [card ending 1111], mail a***@example.com");
    expect(policy.recordingMode("gdpr")).toBe("pause");
    agents.set("gdpr", { redact: { enabled: false } });
    expect(policy.scrub("gdpr", SAID)).toBe(SAID);
    expect(policy.recordingMode("gdpr")).toBe("silence");
  });

  it("an agent's mask: hash without a key anywhere is a clear error", () => {
    agents.set("hashy", { redact: { mask: "hash" } });
    expect(() => policy.scrub("hashy", SAID)).toThrow(/privacy\.redact\.hashKey/);
  });
});

describe("digits keyed in a sensitive step", () => {
  it("are masked wherever they were repeated, in any writing, and nowhere else", () => {
    const keyed = new KeypadSecrets();
    keyed.add("73190528");
    keyed.add("12"); // a menu choice: too common to hunt for
    const turn = {
      text: "I have 7 3 1 9 0 5 2 8, that is 7319-0528; order 12 and 173190528 stay.",
      toolCalls: [{ name: "pay", arguments: { pin: "73190528" }, result: { ok: true } }],
      at: 73190528,
    };
    expect(keyed.mask(turn)).toEqual({
      text: `I have ${KEYED_MASK}, that is ${KEYED_MASK}; order 12 and 173190528 stay.`,
      toolCalls: [{ name: "pay", arguments: { pin: KEYED_MASK }, result: { ok: true } }],
      at: 73190528,
    });
  });
});
