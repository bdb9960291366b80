import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startIntakes, type Intakes } from "../../../src/app/intakes.js";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallManager } from "../../../src/calls/call-manager.js";
import { sipSection } from "../../../src/config/sections/sip.js";
import type { Worker } from "../../../src/jobs/index.js";
import { PortPool } from "../../../src/rtp/index.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { CallsRepo, type CallRecord } from "../../../src/store/repos/calls-repo.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { generatedModel } from "../../helpers/models.js";
import { sippCall } from "../../helpers/sipp-call.js";
import { fliteMissing, soxMissing, speechUlaw, speechWavBytes } from "../../helpers/speech.js";
import { startReceiver, type Receiver } from "../api/webhook-receiver.js";
import { waitFor } from "../jobs/helpers.js";
import { sippMissing } from "../notify/sip.js";
import { freePort, freeMediaPort } from "../sip/helpers.js";
import { settled, uploadRaw, type VoicemailJson } from "../voicemail/helpers.js";
import { writeMessage } from "../intake/spool-writer.js";

/**
 * Issue 16, PII redaction: a live call and a voicemail that carry a card
 * number (valid Luhn), a national ID (Spanish DNI, valid check letter), an
 * e-mail address and a phone number, with every kind masked. Afterwards
 * every file under the data dir (the SQLite database and its WAL as raw
 * bytes, the audio store, the recordings), every captured log line and every
 * webhook body is scanned for each value in each writing: none is left.
 * The values also arrive where the operator or the PBX puts them: a
 * notification's and a campaign's text and recipient variables, and the
 * spool folder intake (a caller name in Asterisk's msgNNNN.txt, a refused
 * file named after the caller).
 *
 * The scripted tiny models say the values: the streaming ASR hears them on
 * the call, the LLM repeats them in its reply and in every summary and
 * extraction, the batch ASR hears them in the voicemail.
 */
const skip = sippMissing || fliteMissing || soxMissing;

const VALUES = {
  card: ["4111 1111 1111 1111", "4111111111111111", "4111-1111-1111-1111", "1111 1111 1111"],
  nationalId: ["12345678Z", "12345678"],
  email: ["anna.berg@example.com", "anna.berg", "berg@example"],
  phone: ["+49 170 1234567", "+491701234567", "170 1234567", "1701234567"],
};
const KEYED = "73190528";
const KEYED_FORMS = [KEYED, [...KEYED].join(" "), [...KEYED].join("-")];

const SAID = "my card is 4111 1111 1111 1111 my id is 12345678Z mail anna.berg@example.com phone +49 170 1234567";
// The trigger words are unusual so that no prompt of ours contains them by chance (see scripts/test-models).
const LIVE_WORDS = `hello giraffe ${SAID} thanks`.split(" ");
const VOICEMAIL_WORDS = `hello zebra this is anna ${SAID} bye`.split(" ");
const EXTRACTION =
  '{"summary": "Anna gave card 4111 1111 1111 1111, ID 12345678Z, mail anna.berg@example.com, phone +49 170 1234567.", ' +
  '"caller_name": "Anna", "callback_number": "+14155550100", "category": "orders", "tags": ["card"], "urgency": 2, ' +
  '"urgency_reason": "Card 4111 1111 1111 1111 needs a check.", "sentiment": "neutral", "action": "follow_up"}';
const LIVE_REPLY =
  "Noted: card 4111 1111 1111 1111, ID 12345678Z, mail anna.berg@example.com, phone +49 170 1234567. zebra";

/** Every file under a folder, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe.skipIf(skip)("privacy: nothing unmasked is stored, logged or sent", () => {
  let t: TestApp;
  let sip: SipPort;
  let calls: CallManager;
  let rx: Receiver;
  let worker: Worker;
  let intakes: Intakes;
  const spool = mkdtempSync(join(tmpdir(), "parley-privacy-spool-"));
  const plainSpool = mkdtempSync(join(tmpdir(), "parley-privacy-plain-"));
  const logLines: string[] = [];
  const logs = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });

  beforeAll(async () => {
    const [llm, asrStreaming, asrBatch] = await Promise.all([
      generatedModel(
        "tiny-llm",
        {
          rules: [
            { triggers: ["zebra"], reply: EXTRACTION },
            { triggers: ["giraffe"], reply: LIVE_REPLY },
          ],
        },
        "-pii",
      ),
      generatedModel("tiny-asr-streaming", { words: LIVE_WORDS }, "-pii"),
      generatedModel("tiny-asr-batch", { words: VOICEMAIL_WORDS }, "-pii"),
    ]);
    t = await createTestApp({
      engines: { profile: "tiny", llm, asrStreaming, asrBatch },
      logTo: logs,
      config: {
        privacy: { redact: { kinds: ["card", "nationalId", "email", "phone"], logs: true } },
        webhooks: { allowHosts: ["127.0.0.1"] },
        intake: {
          folders: [
            { path: spool, stableMs: 300, pollMs: 50, backfill: true, mailbox: "1001" },
            { path: plainSpool, layout: "plain", stableMs: 300, pollMs: 50, backfill: true },
          ],
        },
      },
    });
    await t.services.agents.save({
      name: "privy",
      description: "Acme",
      systemPrompt: "You answer the phone for Acme.",
      live: { greeting: "Acme, hello.", record: true },
    });
    await t.services.agents.save({
      name: "keypad",
      description: "Acme payments",
      systemPrompt: "You take payments for Acme.",
      // Masking is off for this agent: the keyed digits must stay out of every record on their own.
      live: { greeting: "Acme payments. Please key in your number.", record: true, keypad: { sensitive: true } },
      privacy: { redact: { enabled: false }, recordings: { sensitive: "silence" } },
    });
    sip = await createSipPort(
      sipSection.parse({ listen: { host: "127.0.0.1", port: 0 }, rateLimit: { perSecond: 0 } }),
      {
        logger: t.services.logger,
        registry: t.services.registry,
      },
    );
    calls = t.features.calls.attach(sip, new PortPool({ min: 34600, max: 34639 }));
    calls.start();
    rx = await startReceiver();
    const hook = await t.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "crm", url: rx.url("/crm"), events: ["*"] }),
    });
    expect(hook.status, await hook.clone().text()).toBe(201);
    worker = t.startWorker();
    intakes = await startIntakes(t.services, t.features.voicemail, null);
  }, 240_000);
  afterAll(async () => {
    await intakes?.close();
    await calls?.stop();
    await sip?.close();
    await t?.close();
    await rx?.close();
    for (const dir of [spool, plainSpool]) rmSync(dir, { recursive: true, force: true });
  });

  const target = () => `127.0.0.1:${sip.local.port}`;

  async function endedCall(agent: string): Promise<CallRecord> {
    const repo = new CallsRepo(t.services.sql);
    return waitFor(
      async () => (await repo.list({ direction: "inbound", limit: 50 })).find((c) => c.agent === agent && c.outcome),
      `the ${agent} call's record`,
      20_000,
    );
  }

  it("a live call: the caller's turn, the agent's reply and the call summary are stored masked", async () => {
    const audio = speechUlaw(
      "Hello, my card is four one one one, my name is Anna Berg, my mail is anna at example dot com and my phone number is one seven zero.",
      { leadSilenceS: 1, tailSilenceS: 4 },
    );
    const r = await sippCall(
      target(),
      { audio, holdMs: 16_000, hangup: "caller" },
      { sipPort: await freePort(), mediaPort: await freeMediaPort(), service: "privy" },
    );
    expect(r.code, r.output + r.errors).toBe(0);
    const call = await endedCall("privy");
    const repo = new CallsRepo(t.services.sql);
    const turns = await repo.turns(call.id);
    expect(turns.find((x) => x.role === "user")?.text).toBe(
      "hello giraffe my card is [card] my id is [national id] mail [email] phone [phone] thanks",
    );
    expect(turns.find((x) => x.role === "agent" && x.source === "speech")?.text).toBe(
      "Noted: card [card], ID [national id], mail [email], phone [phone]. zebra",
    );
    await waitFor(async () => (await repo.get(call.id))?.summary != null, "the call summary", 30_000);
    const summary = (await repo.get(call.id))?.summary as { summary: string; urgency_reason: string };
    expect(summary.summary).toBe("Anna gave card [card], ID [national id], mail [email], phone [phone].");
    expect(summary.urgency_reason).toBe("Card [card] needs a check.");
  });

  it("a voicemail: transcript, summary and extraction are stored masked, and its webhook bodies too", async () => {
    const said =
      "Hello, this is Anna. My card number is four one one one, and my identity number follows. Write to me at anna at example dot com, or call me on my mobile. Thank you, goodbye.";
    const res = await uploadRaw(t, speechWavBytes(said), { caller: "+14155550100", agent: "privy" });
    expect(res.status, await res.clone().text()).toBe(201);
    const { voicemail } = (await res.json()) as { voicemail: VoicemailJson };
    const v = await settled(t, voicemail.id, 60_000);
    expect(v.status).toBe("processed");
    expect(v.transcript).toBe(
      "hello zebra this is anna my card is [card] my id is [national id] mail [email] phone [phone] bye",
    );
    expect(v.summary).toBe("Anna gave card [card], ID [national id], mail [email], phone [phone].");
    expect(v.urgencyReason).toBe("Card [card] needs a check.");
    await waitFor(
      () => rx.to("/crm").some((q) => q.body.includes('"voicemail.processed"')),
      "the voicemail.processed webhook",
      20_000,
    );
    const processed = rx.to("/crm").find((q) => q.body.includes('"voicemail.processed"'))!;
    expect(JSON.parse(processed.body)).toMatchObject({
      data: { summary: "Anna gave card [card], ID [national id], mail [email], phone [phone]." },
    });
  });

  it("a sensitive keypad step: the digits reach no record or log line, and the recording is silenced meanwhile", async () => {
    const r = await sippCall(
      target(),
      { infoDigits: KEYED, audioDelayMs: 1500, holdMs: 9000, hangup: "caller" },
      { sipPort: await freePort(), mediaPort: await freeMediaPort(), service: "keypad" },
    );
    expect(r.code, r.output + r.errors).toBe(0);
    const call = await endedCall("keypad");
    const turns = await new CallsRepo(t.services.sql).turns(call.id);
    expect(turns.find((x) => x.role === "user")).toMatchObject({
      source: "dtmf",
      text: "(The caller keyed in 8 digits: [sensitive dtmf].)",
    });
    const withheld = logLines
      .map((l) => JSON.parse(l) as { msg: string; callId?: number; withheld?: { reason: string; mode: string }[] })
      .find((l) => l.msg === "recording withheld sensitive steps" && l.callId === call.id);
    expect(withheld?.withheld).toEqual([
      expect.objectContaining({ reason: "sensitive keypad entry", mode: "silence" }),
    ]);
    // Silence keeps the timeline: the span has its length in the file, and every sample in it is zero (both sides).
    const span = withheld!.withheld![0] as unknown as { startMs: number; endMs: number };
    expect(span.endMs - span.startMs).toBeGreaterThan(1000); // 8 keys 300 ms apart
    const wav = readFileSync(call.recordingPath!);
    const at = (ms: number) => 44 + Math.round((ms / 1000) * 8000) * 4; // 8 kHz, 2 channels of 16 bits
    expect(wav.length).toBeGreaterThanOrEqual(at(span.endMs));
    expect(wav.subarray(at(span.startMs), at(span.endMs)).every((b) => b === 0)).toBe(true);
    // And the recording is not silent throughout: the greeting before the entry was written.
    expect(wav.subarray(44, at(span.startMs)).some((b) => b !== 0)).toBe(true);
  });

  it("a notification and a campaign: their text and recipient variables are stored masked", async () => {
    const post = (path: string, body: unknown) =>
      t.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const variables = {
      name: "Anna",
      card: VALUES.card[0],
      dni: "12345678Z",
      mail: VALUES.email[0],
      phone: VALUES.phone[0],
    };
    // Far ahead: stored now, never dialled during the test.
    const runAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const n = await post("/v1/notifications", {
      to: "sip:crm@127.0.0.1",
      agent: "privy",
      text: `Hi {name}, card {card}, ID {dni}, mail {mail}, phone {phone}. Or call ${VALUES.phone[0]}.`,
      variables,
      runAt,
    });
    expect(n.status, await n.clone().text()).toBe(201);
    const stored = (await n.json()) as { id: number; message: string; variables: Record<string, string> };
    expect(stored.variables).toEqual({
      name: "Anna",
      card: "[card]",
      dni: "[national id]",
      mail: "[email]",
      phone: "[phone]",
    });
    expect(stored.message).toBe(
      "Hi Anna, card [card], ID [national id], mail [email], phone [phone]. Or call [phone].",
    );

    const c = await post("/v1/campaigns", { name: "privacy", agent: "privy", text: "Hi {name}, about card {card}." });
    expect(c.status, await c.clone().text()).toBe(201);
    const { id } = (await c.json()) as { id: number };
    const r = await post(`/v1/campaigns/${id}/recipients`, [{ to: "sip:crm2@127.0.0.1", variables }]);
    expect(r.status, await r.clone().text()).toBe(200);
    const list = (await (await t.request(`/v1/campaigns/${id}/recipients`)).json()) as {
      items: { variables: Record<string, string> }[];
    };
    expect(list.items[0]?.variables).toMatchObject({ card: "[card]", mail: "[email]", phone: "[phone]" });
  });

  it("the spool folder intake: a caller name from msgNNNN.txt and a refused file's name are stored masked", async () => {
    await writeMessage(spool, {
      mailbox: "1001",
      n: 0,
      audio: { wav: speechWavBytes("Hello, this is a message left on the mailbox for the privacy check.") },
      callerid: `"${VALUES.email[0]}" <+14155550100>`,
      origtime: Math.floor(Date.now() / 1000),
    });
    // Not audio: refused for good, and intake_files keeps its path and why.
    writeFileSync(join(plainSpool, `${VALUES.email[0]} call ${VALUES.phone[1]}.wav`), "not a recording");
    const vm = await waitFor(
      () => t.services.sql.get("SELECT caller, caller_name FROM voicemails WHERE source = 'folder'"),
      "the spool voicemail",
      60_000,
    );
    expect(vm).toEqual({ caller: "+14155550100", caller_name: "[email]" });
    const rows = await waitFor(
      async () => {
        // Through the store: with store.url the spool's record is in PostgreSQL.
        const all = await t.services.sql.all<{ path: string; status: string; error: string | null }>(
          "SELECT path, status, error FROM intake_files ORDER BY path",
        );
        return all.some((f) => f.status === "rejected") ? all : null;
      },
      "the refused file recorded",
      60_000,
    );
    const refused = rows.find((f) => f.status === "rejected")!;
    expect(refused.path.endsWith("[email] call [phone].wav"), refused.path).toBe(true);
    for (const value of [VALUES.email[0]!, VALUES.phone[1]!]) expect(refused.error ?? "").not.toContain(value);
  });

  it("the scan: no value in any writing is left in the data dir, the logs or the webhook bodies", async () => {
    // A log line that carries the values, as a careless log call would: privacy.redact.logs masks it.
    t.services.logger.info({ note: `caller said ${SAID}` }, "careless log line");
    await waitFor(() => logLines.some((l) => l.includes("careless log line")), "the log line", 5000);
    await worker.stop({ graceMs: 2000 });
    t.services.db.pragma("wal_checkpoint(TRUNCATE)");

    const files = filesUnder(t.dataDir);
    expect(files.some((f) => f.endsWith(".wav"))).toBe(true); // the recordings and the voicemail audio are there
    const sources: { name: string; text: string }[] = [
      ...files.map((f) => ({ name: f, text: readFileSync(f).toString("latin1") })),
      { name: "logs", text: logLines.join("\n") },
      ...rx.requests.map((q, i) => ({ name: `webhook body ${i}`, text: q.body })),
      // With the store on PostgreSQL (PARLEY_TEST_STORE=postgres) its rows are not in the data dir: read them all.
      ...(t.services.sql.dialect === "postgres" ? [{ name: "postgres store", text: await storeRows(t) }] : []),
    ];
    const found: string[] = [];
    for (const { name, text } of sources)
      for (const value of [...Object.values(VALUES).flat(), ...KEYED_FORMS])
        if (text.includes(value)) found.push(`${value} in ${name}`);
    expect(found).toEqual([]);
    // And the scan looked at the right things: the masks are there where the values were.
    const db = sources
      .filter((s) => s.name.endsWith("parley.db") || s.name === "postgres store")
      .map((s) => s.text)
      .join("\n");
    for (const mask of ["[card]", "[national id]", "[email]", "[phone]", "[sensitive dtmf]"])
      expect(db).toContain(mask);
    expect(logLines.find((l) => l.includes("careless log line"))).toContain("[card]");
    expect(rx.requests.length).toBeGreaterThan(0);
  });
});

/** Every row of every table of the app's PostgreSQL schema, as JSON text (what the scan reads there). */
async function storeRows(t: TestApp): Promise<string> {
  const tables = await t.services.sql.all<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1",
  );
  const parts: string[] = [];
  for (const { name } of tables) parts.push(JSON.stringify(await t.services.sql.all(`SELECT * FROM "${name}"`)));
  return parts.join("\n");
}
