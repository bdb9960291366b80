import { inspect } from "node:util";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../../src/lib/logger.js";
import { Sensitive, isSensitive } from "../../../src/lib/pii/index.js";

describe("sensitive values", () => {
  const pin = new Sensitive("4821", "dtmf");

  it("give their value only to reveal()", () => {
    expect(pin.reveal()).toBe("4821");
    expect(isSensitive(pin)).toBe(true);
    expect(isSensitive("4821")).toBe(false);
  });

  it("print, serialise and inspect as a label", () => {
    expect(String(pin)).toBe("[sensitive dtmf]");
    expect(`${pin}`).toBe("[sensitive dtmf]");
    expect(JSON.stringify({ digits: pin })).toBe('{"digits":"[sensitive dtmf]"}');
    expect(inspect({ digits: pin })).not.toContain("4821");
  });

  it("never reach a log line, even with log redaction off", () => {
    let out = "";
    const sink = new Writable({
      write(c: Buffer, _e, done) {
        out += c.toString();
        done();
      },
    });
    createLogger({ level: "info" }, sink).info({ digits: pin }, "collected %s", pin);
    expect(out).toContain("[sensitive dtmf]");
    expect(out).not.toContain("4821");
  });
});
