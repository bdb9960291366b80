import { describe, expect, it } from "vitest";
import { formatMessageSummary, parseMessageSummary } from "../../../src/sip/index.js";

describe("message-summary body (RFC 3842)", () => {
  it("writes the status, account and voice counts with the urgent pair", () => {
    expect(
      formatMessageSummary({
        account: "sip:1001@pbx.example.com",
        voice: { new: 2, old: 8, urgentNew: 0, urgentOld: 2 },
      }),
    ).toBe("Messages-Waiting: yes\r\nMessage-Account: sip:1001@pbx.example.com\r\nVoice-Message: 2/8 (0/2)\r\n");
  });

  it("says no when nothing is new, unless told otherwise", () => {
    expect(formatMessageSummary({ voice: { new: 0, old: 3 } })).toBe(
      "Messages-Waiting: no\r\nVoice-Message: 0/3 (0/0)\r\n",
    );
    expect(formatMessageSummary({ waiting: true, voice: { new: 0, old: 3 } })).toMatch(/^Messages-Waiting: yes/);
  });

  it("refuses counts and accounts that would make a bad body", () => {
    expect(() => formatMessageSummary({ voice: { new: 1.5, old: 0 } })).toThrow(/whole numbers/);
    expect(() => formatMessageSummary({ account: "1001\r\nX: y", voice: { new: 1, old: 0 } })).toThrow(
      /Message-Account/,
    );
  });

  it("reads the RFC's own example and Asterisk's form back", () => {
    const rfc = "Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 4/8 (1/2)\r\n";
    expect(parseMessageSummary(rfc)).toEqual({
      waiting: true,
      account: "sip:alice@vmail.example.com",
      voice: { new: 4, old: 8, urgentNew: 1, urgentOld: 2 },
    });
    expect(parseMessageSummary("Messages-Waiting: no\nVoice-Message: 0/0\n")).toEqual({
      waiting: false,
      voice: { new: 0, old: 0 },
    });
    expect(parseMessageSummary("hello")).toBeNull();
  });
});
