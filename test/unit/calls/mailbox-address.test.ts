import { describe, expect, it } from "vitest";
import { parseAgent } from "../../../src/agent/load.js";
import { callerOf, mailboxOf } from "../../../src/calls/mailbox/mailbox-address.js";
import { spokenGreeting } from "../../../src/calls/mailbox/mailbox-greeting.js";
import { parseHistoryInfo } from "../../../src/sip/forwarding/history-info.js";
import { parseNameAddr, toSipAddress, type InboundCall } from "../../../src/sip/index.js";

/**
 * Whose mailbox a forwarded call leaves its message in, from the INVITE as a
 * SIP driver hands it over (headers by name, Request-URI, To, From), through
 * the agent's mailbox settings: Diversion, History-Info (RFC 7044 and 4244),
 * an RFC 4458 target, the config map, the dialled user, the agent's own.
 */
function invite(o: {
  requestUri?: string;
  to?: string;
  from?: string;
  headers?: Record<string, string[]>;
}): InboundCall {
  const headers = o.headers ?? {};
  const find = (name: string) =>
    Object.entries(headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? [];
  const addr = (value: string) => toSipAddress(parseNameAddr(value)!);
  return {
    requestUri: o.requestUri ?? "sip:vm@parley.test",
    to: addr(o.to ?? "<sip:vm@parley.test>"),
    from: addr(o.from ?? '"Alice" <sip:5551234@pbx.test>'),
    header: (name: string) => find(name)[0],
    headers: (name: string) => find(name),
  } as unknown as InboundCall;
}

const agentWith = (mailbox: Record<string, unknown>, mailboxes: string[] = []) =>
  parseAgent({ name: "vm", systemPrompt: "The voicemail box.", mailbox, voicemail: { mailboxes } }, "test");
const settingsOf = (agent: ReturnType<typeof agentWith>) => agent.mailbox!;

describe("mailboxOf: the mailbox of a forwarded call", () => {
  const agent = agentWith({ map: { "2002": "sales", "+15550100": "frontdesk" } }, ["general"]);
  const choose = (o: Parameters<typeof invite>[0], a = agent) => mailboxOf(invite(o), settingsOf(a), a);

  it("takes the user in Diversion, through the config map when it names that user", () => {
    expect(choose({ headers: { Diversion: ["<sip:3003@pbx.test>;reason=no-answer;counter=1"] } })).toEqual({
      mailbox: "3003",
      from: "diversion",
    });
    expect(choose({ headers: { Diversion: ["<sip:2002@pbx.test>;reason=user-busy"] } })).toEqual({
      mailbox: "sales",
      from: "diversion",
    });
  });

  it("a forwarding chain: the most recent diverting user, or the first called one with prefer: original", () => {
    const chain = { Diversion: ["<sip:4004@pbx.test>;reason=no-answer", "<sip:3003@pbx.test>;reason=unconditional"] };
    expect(choose({ headers: chain }).mailbox).toBe("4004");
    const original = agentWith({ prefer: "original" });
    expect(choose({ headers: chain }, original).mailbox).toBe("3003");
  });

  it("RFC 7044 History-Info: the entry the mapped (mp) entry points at, with its cause=", () => {
    const history = [
      "<sip:2002@pbx.test>;index=1",
      "<sip:2002@192.0.2.7;cause=408>;index=1.1;rc=1",
      "<sip:vm@parley.test;cause=408>;index=1.2;mp=1",
    ];
    expect(choose({ headers: { "History-Info": history } })).toEqual({ mailbox: "sales", from: "history-info" });
  });

  it("History-Info in index order whatever the header order: the last entry is the last by index", () => {
    // A proxy split and reordered the lines: 1.2 (us) arrives first, 1.10 after 1.9.
    const lines = [
      "<sip:vm@parley.test;cause=486>;index=1.10;mp=1.9",
      "<sip:3003@pbx.test>;index=1",
      "<sip:5005@pbx.test;cause=302>;index=1.9;mp=1",
    ];
    expect(parseHistoryInfo(lines).map((e) => e.index)).toEqual(["1", "1.9", "1.10"]);
    expect(choose({ headers: { "History-Info": lines } }).mailbox).toBe("5005");
    // RFC 4244 (no tags): the last earlier entry whose user is not ours, found by index, not by position.
    const untagged = [
      "<sip:vm@parley.test>;index=1.1.1",
      "<sip:3003@pbx.test?Reason=SIP%3Bcause%3D480>;index=1.1",
      "<sip:frontdesk@pbx.test>;index=1",
    ];
    expect(choose({ headers: { "History-Info": untagged } })).toEqual({ mailbox: "3003", from: "history-info" });
  });

  it("Diversion wins over History-Info; an RFC 4458 target in the Request-URI when neither names a user", () => {
    expect(
      choose({
        headers: {
          Diversion: ["<sip:3003@pbx.test>;reason=no-answer"],
          "History-Info": ["<sip:4004@pbx.test>;index=1", "<sip:vm@parley.test>;index=1.1;mp=1"],
        },
      }).mailbox,
    ).toBe("3003");
    expect(choose({ requestUri: "sip:vm@parley.test;target=sip:2002%40pbx.test;cause=486" })).toEqual({
      mailbox: "sales",
      from: "request-uri-target",
    });
  });

  it("not forwarded: the map's entry for the dialled number, else the dialled user, else the agent's own mailbox", () => {
    expect(choose({ requestUri: "sip:+15550100@parley.test", to: "<sip:+15550100@parley.test>" })).toEqual({
      mailbox: "frontdesk",
      from: "map",
    });
    expect(choose({ requestUri: "sip:6006@parley.test", to: "<sip:6006@parley.test>" })).toEqual({
      mailbox: "6006",
      from: "dialled",
    });
    expect(choose({})).toEqual({ mailbox: "general", from: "agent" });
    expect(choose({}, agentWith({}))).toEqual({ mailbox: null, from: "none" });
  });
});

describe("callerOf", () => {
  it("P-Asserted-Identity before From; anonymous callers give no number", () => {
    expect(
      callerOf(invite({ headers: { "P-Asserted-Identity": ['"Bob Jones" <sip:+15557654321@carrier.test>'] } })),
    ).toEqual({ number: "+15557654321", name: "Bob Jones" });
    expect(callerOf(invite({}))).toEqual({ number: "5551234", name: "Alice" });
    expect(callerOf(invite({ from: '"Anonymous" <sip:anonymous@anonymous.invalid>' }))).toEqual({
      number: null,
      name: null,
    });
  });
});

describe("spokenGreeting: which mailbox greetings play from the TTS cache", () => {
  const known = new Set(["2002"]);
  it("a greeting that names no mailbox always; one that does, only for a mailbox the deployment knows", () => {
    const plain = settingsOf(agentWith({ greeting: "Leave a message." }));
    expect(spokenGreeting(plain, "9999", known)).toEqual({ text: "Leave a message.", cached: true });
    const named = settingsOf(agentWith({ greeting: "Leave a message for {mailbox}." }));
    expect(spokenGreeting(named, "2002", known)).toEqual({ text: "Leave a message for 2002.", cached: true });
    expect(spokenGreeting(named, "9999", known)).toEqual({ text: "Leave a message for 9999.", cached: false });
    expect(spokenGreeting(named, null, known)).toEqual({ text: "Leave a message for .", cached: false });
  });
});
