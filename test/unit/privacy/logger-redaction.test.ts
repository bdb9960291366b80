import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/lib/logger.js";
import { createRedactor, redactionRules } from "../../../src/lib/pii/index.js";

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    lines: () =>
      chunks
        .join("")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const redactor = createRedactor(redactionRules({ kinds: ["card", "email", "phone"] }));

describe("log redaction", () => {
  it("is off unless asked for: lines are written as given", () => {
    const out = capture();
    createLogger({ level: "info" }, out.stream).info({ caller: "+14155550123" }, "call from +14155550123");
    expect(out.lines()[0]).toMatchObject({ caller: "+14155550123", msg: "call from +14155550123" });
  });

  it("masks the message, format arguments, fields, errors and child bindings when on", () => {
    const out = capture();
    const log = createLogger({ level: "info", redact: redactor }, out.stream);
    log.info({ caller: "+14155550123", callId: 12, at: "2026-11-25T09:00:00Z" }, "call from %s", "+14155550123");
    log.child({ email: "anna@example.com" }).warn("card 4111 1111 1111 1111 declined");
    log.error(new Error("lookup failed for anna@example.com"));
    const [a, b, c] = out.lines();
    expect(a).toMatchObject({ caller: "[phone]", callId: 12, at: "2026-11-25T09:00:00Z", msg: "call from [phone]" });
    expect(b).toMatchObject({ email: "[email]", msg: "card [card] declined" });
    expect(JSON.stringify(c)).not.toContain("anna@example.com");
    expect((c as { err: { message: string } }).err.message).toBe("lookup failed for [email]");
  });

  it("keeps the secret-path redaction it always had", () => {
    const out = capture();
    createLogger({ level: "info", redact: redactor }, out.stream).info({ apiKey: "k-123", password: "p" }, "x");
    expect(out.lines()[0]).toMatchObject({ apiKey: "[redacted]", password: "[redacted]" });
  });
});
