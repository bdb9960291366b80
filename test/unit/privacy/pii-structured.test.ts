import { describe, expect, it } from "vitest";
import { createRedactor, redactionRules } from "../../../src/lib/pii/index.js";

const r = createRedactor(redactionRules({ kinds: ["card", "nationalId", "email", "phone"] }));

describe("structured values", () => {
  const call = {
    id: 1041,
    callId: 77,
    sipCallId: "a84b4c76e66710@pc33.example.com",
    callerId: "+14155550123",
    agent: "receptionist",
    startedAt: "2026-11-25T09:00:00.000Z",
    ended_at: "2026-11-25T09:04:00.000Z",
    durationMs: 240000,
    recorded: true,
    transcript: [
      { role: "agent", text: "Hello, how can I help you?", at: 0 },
      { role: "user", text: "I want to pay with 4111 1111 1111 1111, and mail me at anna@example.com", at: 2100 },
    ],
    summary: "Caller paid by card and left 0170 1234567 for a callback.",
    extracted: {
      callback_number: "0170 1234567",
      caller_name: "Anna Berg",
      urgency: 3,
      tags: ["billing", "anna@example.com"],
    },
  };

  it("masks strings at any depth and leaves ids, timestamps, numbers and booleans exact", () => {
    const out = r.value(call);
    expect(out).toEqual({
      ...call,
      callerId: "[phone]",
      transcript: [
        call.transcript[0],
        { role: "user", text: "I want to pay with [card], and mail me at [email]", at: 2100 },
      ],
      summary: "Caller paid by card and left [phone] for a callback.",
      extracted: { callback_number: "[phone]", caller_name: "Anna Berg", urgency: 3, tags: ["billing", "[email]"] },
    });
  });

  it("never changes its input", () => {
    const before = JSON.stringify(call);
    r.value(call);
    expect(JSON.stringify(call)).toBe(before);
  });

  it("keeps a preserved key's value even when it looks like personal data", () => {
    const out = r.value({ eventId: "4111111111111111", id: "0170 1234567", text: "0170 1234567" });
    expect(out).toEqual({ eventId: "4111111111111111", id: "0170 1234567", text: "[phone]" });
  });

  it("takes preserve keys as names and /regex/ strings", () => {
    const custom = createRedactor(redactionRules({ kinds: ["phone"], preserveKeys: ["keepme", "/^raw_/"] }));
    expect(custom.value({ keepme: "0170 1234567", raw_number: "0170 1234567", id: "0170 1234567" })).toEqual({
      keepme: "0170 1234567",
      raw_number: "0170 1234567",
      id: "[phone]",
    });
  });

  it("masks the message and stack of errors but keeps their type and code", () => {
    const err = Object.assign(new TypeError("bad number 0170 1234567"), { code: "E_BAD" });
    const out = r.value({ err });
    expect(out.err).toBeInstanceOf(Error);
    expect(out.err.message).toBe("bad number [phone]");
    expect(out.err.name).toBe("TypeError");
    expect(out.err.stack).not.toContain("1234567");
    expect((out.err as Error & { code: string }).code).toBe("E_BAD");
  });

  it("leaves binary data and dates alone and survives cycles", () => {
    const pcm = new Int16Array([1, 2, 3]);
    const when = new Date("2026-01-01T00:00:00Z");
    const loop: Record<string, unknown> = { note: "mail a@b.de" };
    loop.self = loop;
    const out = r.value({ pcm, when, loop });
    expect(out.pcm).toBe(pcm);
    expect(out.when).toBe(when);
    const l = out.loop as Record<string, unknown>;
    expect(l.note).toBe("mail [email]");
    expect(l.self).toBe(l);
  });

  it("masks a bare string and passes null and undefined through", () => {
    expect(r.value("card 4111111111111111")).toBe("card [card]");
    expect(r.value(null)).toBeNull();
    expect(r.value(undefined)).toBeUndefined();
  });
});

describe("mask styles", () => {
  const text = "card 4111 1111 1111 1111, mail anna@example.com, phone 0170 1234567, SSN 123-45-6789";

  it("label", () => {
    expect(r.text(text)).toBe("card [card], mail [email], phone [phone], SSN [national id]");
  });

  it("partial keeps a card's last four, a phone's last two and an address's domain, nothing of an ID", () => {
    const p = createRedactor(redactionRules({ kinds: ["card", "nationalId", "email", "phone"], mask: "partial" }));
    expect(p.text(text)).toBe(
      "card [card ending 1111], mail a***@example.com, phone [phone ending 67], SSN [national id]",
    );
  });

  it("char keeps the layout, and writes one star per spoken digit", () => {
    const c = createRedactor(redactionRules({ kinds: ["card", "nationalId", "email", "phone"], mask: "char" }));
    expect(c.text(text)).toBe("card **** **** **** ****, mail ****@*******.***, phone **** *******, SSN ***-**-****");
    expect(c.text("it's oh one seven oh one two three four five six seven")).toBe("it's ***********");
  });

  it("hash gives equal tags for equal values, different for different values and keys", () => {
    const h = createRedactor(
      redactionRules({ kinds: ["card"], mask: "hash", hashKey: "a-site-secret-of-some-length" }),
    );
    const other = createRedactor(
      redactionRules({ kinds: ["card"], mask: "hash", hashKey: "another-secret-of-some-length" }),
    );
    const a = h.text("4111 1111 1111 1111");
    expect(a).toMatch(/^\[card [0-9a-f]{12}\]$/);
    expect(h.text("4111-1111-1111-1111")).toBe(a); // same number, other writing
    expect(h.text("four one one one one one one one one one one one one one one one")).toBe(a);
    expect(h.text("5555 5555 5555 4444")).not.toBe(a);
    expect(other.text("4111 1111 1111 1111")).not.toBe(a);
  });
});

describe("custom rules", () => {
  it("masks a site's own patterns with its name or its replacement", () => {
    const c = createRedactor(
      redactionRules({
        kinds: [],
        custom: [
          { name: "iban", pattern: "\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\\b", flags: "" },
          { name: "member", pattern: "M-\\d{6}", flags: "i", replacement: "[member no.]" },
        ],
      }),
    );
    expect(c.text("IBAN DE89 3704 0044 0532 0130 00, member m-123456")).toBe("IBAN [iban], member [member no.]");
  });

  it("merges overlapping findings into one masked stretch", () => {
    const c = createRedactor(
      redactionRules({ kinds: ["card"], custom: [{ name: "tail", pattern: "1111 end", flags: "" }] }),
    );
    expect(c.text("4111 1111 1111 1111 end")).toBe("[card]");
  });
});
