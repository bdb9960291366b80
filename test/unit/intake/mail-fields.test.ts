import { describe, expect, it } from "vitest";
import { DEFAULT_SMTP_PATTERNS } from "../../../src/config/sections/intake.js";
import { parseCallerId } from "../../../src/intake/caller-id.js";
import { compilePatterns, extractFields, type MailText } from "../../../src/intake/smtp/patterns.js";
import { SenderPolicy } from "../../../src/intake/smtp/sender-policy.js";

const defaults = compilePatterns(DEFAULT_SMTP_PATTERNS);
const mail = (o: Partial<Omit<MailText, "header">> & { headers?: Record<string, string> }): MailText => ({
  subject: o.subject ?? "",
  body: o.body ?? "",
  recipients: o.recipients ?? [],
  header: (name) => Object.entries(o.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? null,
});

describe("caller IDs as PBXs print them", () => {
  it.each([
    ['"Alice Smith" <5551234>', { number: "5551234", name: "Alice Smith" }],
    ["Alice Smith <+1 555 010 0199>", { number: "+15550100199", name: "Alice Smith" }],
    ["<5551234>", { number: "5551234", name: null }],
    ["5551234", { number: "5551234", name: null }],
    ["+44 20 7123 4567", { number: "+442071234567", name: null }],
    ["Alice Smith", { number: null, name: "Alice Smith" }],
    ["an unknown caller", { number: null, name: null }],
    ['"Unknown" <anonymous>', { number: null, name: null }],
    ['"Front desk" <sip:201@pbx.example.com>', { number: "201", name: "Front desk" }],
    ['"Say \\"hi\\"" <100>', { number: "100", name: 'Say "hi"' }],
    ["", { number: null, name: null }],
  ])("%j", (text, expected) => {
    expect(parseCallerId(text)).toEqual(expected);
  });
});

describe("the default patterns on the templates PBXs ship", () => {
  it("Asterisk's own template: X-Asterisk headers win, mailbox from the subject", () => {
    const fields = extractFields(
      defaults,
      mail({
        subject: "[PBX]: New message 3 in mailbox 1001",
        body: "Dear Bob:\n\n\tJust wanted to let you know you were just left a 0:12 long message (number 3)\nin mailbox 1001 from Alice Smith, on Saturday so you might\n",
        headers: { "X-Asterisk-CallerID": "5551234", "X-Asterisk-CallerIDName": "Alice Smith" },
      }),
    );
    expect(fields).toEqual({ mailbox: "1001", callerNumber: "5551234", callerName: "Alice Smith" });
  });

  it("Asterisk's template without the headers (a relay that strips X- headers): the caller from the body", () => {
    const fields = extractFields(
      defaults,
      mail({
        subject: "[PBX]: New message 1 in mailbox 1001",
        body: "...\nin mailbox 1001 from 5551234, on Saturday, December 05 so you might\n",
      }),
    );
    expect(fields).toEqual({ mailbox: "1001", callerNumber: "5551234", callerName: null });
  });

  it("FreePBX's template: mailbox and From line in the body", () => {
    const fields = extractFields(
      defaults,
      mail({
        subject: "PBX Voicemail Notification",
        body: 'Bob,\n\nThere is a new voicemail in mailbox 1002:\n\n\tFrom:\t"Carol" <5550142>\n\tLength:\t7 seconds\n',
      }),
    );
    expect(fields).toEqual({ mailbox: "1002", callerNumber: "5550142", callerName: "Carol" });
  });

  it("FreeSWITCH's voicemail.tpl: Account and From lines", () => {
    const fields = extractFields(
      defaults,
      mail({
        subject: 'Voicemail from "Dan" <5550177> 00:00:09',
        body: 'Created: Sat Dec 5 16:30:00 2026\nFrom: "Dan" <5550177>\nDuration: 00:00:09\nAccount: 1003@pbx.example.com\n',
      }),
    );
    expect(fields).toEqual({ mailbox: "1003", callerNumber: "5550177", callerName: "Dan" });
  });

  it("an unknown caller stays unknown; a mail nothing matches gives nothing", () => {
    expect(extractFields(defaults, mail({ body: "in mailbox 1001 from an unknown caller, on Monday" }))).toEqual({
      mailbox: "1001",
      callerNumber: null,
      callerName: null,
    });
    expect(extractFields(defaults, mail({ subject: "hello", recipients: ["info@parley.test"] }))).toEqual({
      mailbox: null,
      callerNumber: null,
      callerName: null,
    });
  });
});

describe("allowFrom", () => {
  it("restricts by host and by sender independently", () => {
    const policy = new SenderPolicy(["10.0.0.0/8", "192.0.2.7", "vm@pbx.example.com", "@voicemail.example.com"]);
    expect(policy.hostAllowed("10.1.2.3")).toBe(true);
    expect(policy.hostAllowed("::ffff:192.0.2.7")).toBe(true);
    expect(policy.hostAllowed("192.0.2.8")).toBe(false);
    expect(policy.senderAllowed("VM@pbx.example.com")).toBe(true);
    expect(policy.senderAllowed("anyone@voicemail.example.com")).toBe(true);
    expect(policy.senderAllowed("vm@evil.example.com")).toBe(false);
    expect(policy.senderAllowed("")).toBe(false);
    expect(new SenderPolicy(["10.0.0.0/8"]).senderAllowed("")).toBe(true);
    expect(new SenderPolicy([]).open).toBe(true);
  });
});
