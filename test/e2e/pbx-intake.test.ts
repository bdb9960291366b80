import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMessageSummary } from "../../src/sip/index.js";
import { sendMail } from "../integration/intake/mail-helpers.js";
import { writeMessage } from "../integration/intake/spool-writer.js";
import { freePort, freeMediaPort, startSipp, type SippRun } from "../integration/sip/helpers.js";
import type { RunningParley } from "../helpers/parley-process.js";
import { createKey, dirArgs, pullModels, serveOnLoopback } from "../helpers/parley-setup.js";
import { sippCall, sippMissing } from "../helpers/sipp-call.js";
import {
  fliteMissing,
  soxMissing,
  speechUlaw,
  speechWavBytes,
  VOICEMAIL_ROUTINE,
  VOICEMAIL_URGENT,
} from "../helpers/speech.js";

/**
 * Voicemail straight from the PBX, end to end through `parley serve --profile
 * tiny` as a real process on 127.0.0.1: a call forwarded to the SIP mailbox
 * (SIPp, with Diversion and P-Asserted-Identity), a voicemail-to-email mail
 * (nodemailer over SMTP to `--smtp`), and a recording dropped into a watched
 * Asterisk spool folder. Each becomes a triaged voicemail with its mailbox,
 * caller and source, and the mailbox's phone (SIPp) sees its lamp go on and off.
 * The time from arrival to triage of each is logged (the closing note's figures).
 */
const skip = sippMissing || fliteMissing || soxMissing;

interface VoicemailJson {
  id: number;
  status: string;
  source: string;
  mailbox: string | null;
  caller: string | null;
  callerName: string | null;
  agent: string;
  transcript: string | null;
  category: string | null;
  urgency: number | null;
  createdAt: string;
  processedAt: string | null;
}

describe.skipIf(skip)("voicemail from the PBX into parley serve (SIP mailbox, SMTP, spool folder, MWI)", () => {
  let dir: string;
  let spool: string;
  let server: RunningParley;
  let key: string;
  let sipPort: number;
  let smtpPort: number;
  let phone: SippRun;
  const timings: Record<string, { arrivalToStoredMs: number | null; storedToTriagedMs: number }> = {};

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers },
    });
    expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
    return (await res.json()) as T;
  };
  /** The one voicemail of a source once it is triaged (processed), bounded. */
  const triaged = async (source: string): Promise<VoicemailJson> => {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const { items } = await api<{ items: VoicemailJson[] }>(`/v1/voicemails?source=${source}`);
      const v = items[0];
      if (v && v.status !== "queued" && v.status !== "processing") {
        expect(items).toHaveLength(1);
        return v;
      }
      if (Date.now() > deadline) throw new Error(`no triaged ${source} voicemail: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const note = (source: string, v: VoicemailJson, arrivedAt: number | null) => {
    const stored = Date.parse(v.createdAt);
    timings[source] = {
      arrivalToStoredMs: arrivedAt === null ? null : stored - arrivedAt,
      storedToTriagedMs: Date.parse(v.processedAt ?? v.createdAt) - stored,
    };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-pbx-"));
    spool = join(dir, "spool");
    mkdirSync(spool);
    const agents = join(dir, "agents");
    mkdirSync(agents);
    writeFileSync(
      join(agents, "desk.yaml"),
      'name: desk\nsystemPrompt: You triage voicemail for a plumbing company.\nvoicemail:\n  mailboxes: ["2002", "1001", "3003"]\n',
    );
    // The SIP mailbox: the PBX forwards unanswered calls to sip:vm@parley.
    writeFileSync(
      join(agents, "vm.yaml"),
      "name: vm\nsystemPrompt: The voicemail box.\nmailbox:\n  greeting: Please leave a message for {mailbox}.\n  endSilenceMs: 1500\n  goodbye: Thanks.\n",
    );
    // The phone of mailbox 2002 takes three NOTIFYs: at start, when the message arrives, when it is handled.
    phone = await startSipp({ scenario: "uas-mwi-lamp.xml", calls: 3, traceMessages: true, timeoutS: 240 });
    await phone.ready;
    smtpPort = await freePort();
    writeFileSync(
      join(dir, "parley.yaml"),
      [
        `agents: { dir: ${agents}, default: desk }`,
        "rtp: { ports: { min: 31200, max: 31249 } }",
        "log: { level: warn }",
        "intake:",
        `  folders: [{ path: ${spool}, stableMs: 300, pollMs: 100 }]`,
        "  mwi:",
        "    debounceMs: 200",
        `    subscribers: [{ mailbox: "2002", uri: "sip:2002@127.0.0.1:${phone.port}", account: "sip:2002@pbx.test" }]`,
      ].join("\n"),
    );
    await pullModels(dirArgs(dir));
    key = await createKey(["--name", "e2e", ...dirArgs(dir)]);
    ({ server, sipPort } = await serveOnLoopback(dirArgs(dir), { extra: ["--smtp", `127.0.0.1:${smtpPort}`] }));
    expect(server.stderr()).toContain(`smtp://127.0.0.1:${smtpPort}`);
  });
  afterAll(async () => {
    console.log(`arrival to triage, profile tiny: ${JSON.stringify(timings)}`);
    expect(await server?.stop()).toBe(0);
    await phone?.done;
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a forwarded call as the mailbox of the user in Diversion, with the caller from P-Asserted-Identity", async () => {
    const audio = speechUlaw(VOICEMAIL_ROUTINE, { leadSilenceS: 0.5, tailSilenceS: 4 });
    const r = await sippCall(
      `127.0.0.1:${sipPort}`,
      {
        audio,
        audioDelayMs: 2500,
        holdMs: 30_000,
        hangup: "wait-for-bye",
        inviteHeaders: [
          "Diversion: <sip:2002@pbx.test>;reason=no-answer;counter=1;privacy=off",
          'P-Asserted-Identity: "Alice Smith" <sip:+15551234567@pbx.test>',
        ],
      },
      { sipPort: await freePort(), mediaPort: await freeMediaPort(), service: "vm" },
    );
    // The mailbox hangs up itself (silence after the message): SIPp got our BYE.
    expect(r.code, r.output + r.errors).toBe(0);
    const v = await triaged("sip-mailbox");
    note("sip-mailbox", v, null);
    expect(v).toMatchObject({
      status: "processed",
      mailbox: "2002",
      caller: "+15551234567",
      agent: "desk",
    });
    expect(v.transcript).toMatch(/alice/i);
    const calls = await api<{ items: { id: number; agent: string; outcome: string; voicemailId: number | null }[] }>(
      "/v1/calls?limit=1",
    );
    expect(calls.items[0]).toMatchObject({ agent: "vm", outcome: "message_taken", voicemailId: v.id });
  });

  it("takes a FreePBX voicemail mail over SMTP", async () => {
    const arrived = Date.now();
    const sent = await sendMail({
      port: smtpPort,
      from: "vm@pbx.test",
      to: ["1001@parley.test"],
      compose: {
        subject: "PBX Voicemail Notification",
        text: 'There is a new voicemail in mailbox 1001:\n\n\tFrom:\t"Bob Jones" <5551230>\n\tLength:\t0:06 seconds\n',
        attachments: [
          { filename: "msg0000.wav", content: speechWavBytes(VOICEMAIL_URGENT), contentType: "audio/x-wav" },
        ],
      },
    });
    expect(sent, sent.response).toMatchObject({ ok: true, code: 250 });
    const v = await triaged("smtp");
    note("smtp", v, arrived);
    expect(v).toMatchObject({ status: "processed", mailbox: "1001", caller: "5551230" });
    expect(v.transcript).toMatch(/flooding/i);
  });

  it("takes a recording dropped into the Asterisk spool folder", async () => {
    const arrived = Date.now();
    await writeMessage(spool, {
      mailbox: "3003",
      n: 0,
      audio: { wav: speechWavBytes(VOICEMAIL_ROUTINE) },
      callerid: '"Carol King" <5559876>',
      origtime: Math.floor(arrived / 1000),
    });
    const v = await triaged("folder");
    note("folder", v, arrived);
    expect(v).toMatchObject({ status: "processed", mailbox: "3003", caller: "5559876" });
  });

  it("filters by source, and lights the mailbox's lamp until its message is handled", async () => {
    const all = await api<{ items: VoicemailJson[] }>("/v1/voicemails");
    expect(all.items.map((v) => v.source).sort()).toEqual(["folder", "sip-mailbox", "smtp"]);
    const bad = await fetch(`${server.baseUrl}/v1/voicemails?source=fax`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(bad.status).toBe(400);
    const mailbox = all.items.find((v) => v.source === "sip-mailbox")!;
    await api(`/v1/voicemails/${mailbox.id}`, { method: "PATCH", body: JSON.stringify({ status: "handled" }) });
    const done = await phone.done;
    expect(done.code, done.errors || done.output).toBe(0);
    const bodies = done.messages
      .split(/\r?\n\r?\n/)
      .filter((part) => part.includes("Messages-Waiting"))
      .map((b) => parseMessageSummary(b));
    expect(bodies).toEqual([
      { waiting: false, account: "sip:2002@pbx.test", voice: { new: 0, old: 0, urgentNew: 0, urgentOld: 0 } },
      { waiting: true, account: "sip:2002@pbx.test", voice: { new: 1, old: 0, urgentNew: 0, urgentOld: 0 } },
      { waiting: false, account: "sip:2002@pbx.test", voice: { new: 0, old: 1, urgentNew: 0, urgentOld: 0 } },
    ]);
  });
});
