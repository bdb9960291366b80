import { describe, expect, it } from "vitest";
import { parseAgent } from "../../../src/agent/load.js";
import { FailureStreak, readOfferAnswer } from "../../../src/agent/conversation/message-offer.js";

describe("the message offer after failed turns", () => {
  it("reads keypad 1 as yes and any other key as no", () => {
    expect(readOfferAnswer({ text: "(The caller pressed 1 on the keypad.)", digits: "1" })).toBe("yes");
    expect(readOfferAnswer({ text: "(The caller pressed 2 on the keypad.)", digits: "2" })).toBe("no");
    expect(readOfferAnswer({ text: "(The caller pressed 1 1 on the keypad.)", digits: "11" })).toBe("no");
  });

  it("reads a spoken yes or no; a refusal wins over a polite word; anything else is an ordinary turn", () => {
    expect(readOfferAnswer({ text: "Yes please." })).toBe("yes");
    expect(readOfferAnswer({ text: "okay" })).toBe("yes");
    expect(readOfferAnswer({ text: "No." })).toBe("no");
    expect(readOfferAnswer({ text: "no thanks, not now please" })).toBe("no");
    expect(readOfferAnswer({ text: "I don't want to" })).toBe("no");
    expect(readOfferAnswer({ text: "what are your opening hours" })).toBe("other");
    expect(readOfferAnswer({ text: "" })).toBe("other");
  });

  it("offers on the third failure in a row; a success starts the count again; 0 never offers", () => {
    const s = new FailureStreak(3);
    expect(s.offerOnNextFailure).toBe(false);
    s.failed();
    s.failed();
    expect(s.offerOnNextFailure).toBe(true);
    s.reset();
    expect(s.offerOnNextFailure).toBe(false);
    const never = new FailureStreak(0);
    for (let i = 0; i < 10; i++) never.failed();
    expect(never.offerOnNextFailure).toBe(false);
  });

  it("has sensible defaults in the agent definition, and each line can be set", () => {
    const a = parseAgent({ name: "a", systemPrompt: "x" }, "api");
    expect(a.live).toMatchObject({
      fallback: "Sorry, I didn't catch that. Could you say it again?",
      messageOfferAfter: 3,
    });
    expect(a.live.messageOffer).toMatch(/leave a message.*press 1/);
    const b = parseAgent(
      {
        name: "b",
        systemPrompt: "x",
        live: { fallback: "Pardon?", messageOfferAfter: 0, messageOffer: "Message?", messageOfferDeclined: "Fine." },
      },
      "api",
    );
    expect(b.live).toMatchObject({
      fallback: "Pardon?",
      messageOfferAfter: 0,
      messageOffer: "Message?",
      messageOfferDeclined: "Fine.",
    });
    expect(() => parseAgent({ name: "c", systemPrompt: "x", live: { fallback: "" } }, "api")).toThrow(/live.fallback/);
    expect(() => parseAgent({ name: "c", systemPrompt: "x", live: { messageOfferAfter: -1 } }, "api")).toThrow(
      /live.messageOfferAfter/,
    );
  });
});
