import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { parseWav } from "../../../src/audio/index.js";
import { smtpIntakeSection } from "../../../src/config/sections/intake.js";
import { startSmtpIntake, type SmtpIntake } from "../../../src/intake/smtp/index.js";
import type { VoicemailCandidate } from "../../../src/intake/types.js";
import { ParleyError } from "../../../src/lib/errors.js";
import { captureLogger } from "../sip/helpers.js";
import { scratchDir } from "../../helpers/scratch.js";
import { asteriskMail, FFMPEG, gsmWav, noFfmpeg, sendMail, toneWav } from "./mail-helpers.js";

/**
 * The SMTP intake on 127.0.0.1 with real SMTP from nodemailer: mails as FreePBX/Asterisk write them (app_voicemail's
 * layout, its X-Asterisk-CallerID headers, the GSM wav49 attachment), a 3CX-style mail read with the documented
 * example patterns, and every refusal the PBX must be able to tell apart: no audio, too large, not allowed, AUTH,
 * a failing handler.
 */

let intake: SmtpIntake | null = null;
afterEach(async () => {
  await intake?.close();
  intake = null;
});

interface Received {
  candidates: VoicemailCandidate[];
  /** ms from the start of sendMail to the handler's call, per mail. */
  handoffMs: number[];
}

async function start(
  config: Record<string, unknown> = {},
  behave: (c: VoicemailCandidate) => Promise<void> = async () => {},
): Promise<{ port: number; got: Received; t0: { at: number } }> {
  const got: Received = { candidates: [], handoffMs: [] };
  const t0 = { at: 0 };
  intake = await startSmtpIntake(smtpIntakeSection.parse({ listen: "127.0.0.1:0", ...config }), {
    onVoicemail: async (candidate) => {
      got.handoffMs.push(performance.now() - t0.at);
      await behave(candidate);
      got.candidates.push(candidate);
    },
    recordings: { ffmpeg: FFMPEG, maxDurationMs: 600_000 },
    logger: captureLogger("silent").logger,
  });
  return { port: intake.address.port, got, t0 };
}

const freepbxBody = [
  "Bob Jones,",
  "",
  "There is a new voicemail in mailbox 1001:",
  "",
  '\tFrom:\t"Alice Smith" <+1 (555) 010-0199>',
  "\tLength:\t0:02 seconds",
  "\tDate:\tSaturday, December 05, 2026 at 04:30:00 PM",
  "",
  "Dial *98 to access your voicemail by phone.",
  "Visit http://pbx.test/ucp to check your voicemail with a web browser.",
].join("\n");

const asteriskBody = [
  "Dear Bob Jones:",
  "",
  "\tJust wanted to let you know you were just left a 0:02 long message (number 1)",
  "in mailbox 2002 from Carol White, on Saturday, December 05, 2026 at 04:30:00 PM so you might",
  "want to check it when you get a chance.  Thanks!",
  "",
  "\t\t\t\t--Asterisk",
].join("\n");

/** The example of docs/pbx.md for a 3CX-style template ("New voicemail from <name> (<number>) for <extension>"). */
const threeCxPatterns = [
  {
    from: "subject",
    regex: "^New voicemail from (?<callerName>.*?) \\((?<callerNumber>[^)]+)\\) for (?<mailbox>\\S+)",
  },
];

describe("SMTP intake: voicemail-to-email", () => {
  it("takes a FreePBX mail with a WAV: mailbox and caller from the default template's body", async () => {
    const { port, got, t0 } = await start();
    const wav = toneWav();
    t0.at = performance.now();
    const result = await sendMail({
      port,
      raw: asteriskMail({
        from: '"Voicemail" <vm@pbx.test>',
        to: "bob@parley.test",
        subject: "PBX Voicemail Notification",
        text: freepbxBody,
        parts: [{ contentType: "audio/x-wav", filename: "msg0000.wav", body: wav }],
      }),
    });
    expect(result, result.response).toMatchObject({ ok: true, code: 250 });
    expect(got.candidates).toHaveLength(1);
    const c = got.candidates[0]!;
    expect(Buffer.from(c.bytes).equals(wav)).toBe(true);
    expect(c).toMatchObject({
      contentType: "audio/x-wav",
      mailbox: "1001",
      caller: { number: "+15550100199", name: "Alice Smith" },
      source: "smtp",
      filename: "msg0000.wav",
    });
    expect(c.origin).toMatch(/^<Asterisk-1-/);
    expect(Math.abs(c.receivedAt - Date.now())).toBeLessThan(60_000);
    console.log(
      `smtp intake, FreePBX mail (8 kHz WAV, ${wav.length} bytes): ${got.handoffMs[0]?.toFixed(1)} ms from sendMail to hand-off`,
    );
  });

  it.skipIf(noFfmpeg)(
    "takes Asterisk's default mail (X-Asterisk-CallerID headers, GSM wav49 attachment) and hands on a PCM WAV",
    async () => {
      const { port, got } = await start();
      const gsm = gsmWav(scratchDir("smtp-gsm"), 2000);
      const result = await sendMail({
        port,
        raw: asteriskMail({
          from: '"Asterisk PBX" <asterisk@pbx.test>',
          to: "bob@parley.test",
          subject: "[PBX]: New message 1 in mailbox 2002",
          headers: { "X-Asterisk-CallerID": "5550142", "X-Asterisk-CallerIDName": "Carol White" },
          text: asteriskBody,
          parts: [{ contentType: "audio/x-WAV", filename: "msg0000.WAV", body: gsm }],
        }),
      });
      expect(result, result.response).toMatchObject({ ok: true, code: 250 });
      const c = got.candidates[0]!;
      expect(c).toMatchObject({
        mailbox: "2002",
        caller: { number: "5550142", name: "Carol White" },
        contentType: "audio/wav",
        filename: "msg0000.wav",
      });
      const pcm = parseWav(c.bytes);
      expect(pcm.format).toBe("pcm_s16");
      expect(Math.abs(pcm.durationMs - 2000)).toBeLessThan(100);
    },
  );

  it("reads a 3CX-style mail with the example patterns (nodemailer composes it; the recording as a .wav attachment)", async () => {
    const { port, got } = await start({ patterns: threeCxPatterns });
    const wav = toneWav(800);
    const result = await sendMail({
      port,
      compose: {
        subject: "New voicemail from Dan Brown (+442071234567) for 105",
        text: "You have received a new voicemail.",
        attachments: [{ filename: "vmail_105_20261205.wav", content: wav, contentType: "audio/wav" }],
      },
    });
    expect(result, result.response).toMatchObject({ ok: true, code: 250 });
    expect(got.candidates[0]).toMatchObject({ mailbox: "105", caller: { number: "+442071234567", name: "Dan Brown" } });
  });

  it("falls back to the recipient's digits, then the default mailbox, when no pattern places the mail", async () => {
    const { port, got } = await start({ defaultMailbox: "general" });
    const compose = { subject: "voicemail", text: "", attachments: [{ filename: "a.wav", content: toneWav(300) }] };
    expect((await sendMail({ port, to: ["3003@parley.test"], compose })).code).toBe(250);
    expect(
      (
        await sendMail({
          port,
          to: ["voicemail@parley.test"],
          compose: { ...compose, attachments: [{ filename: "b.wav", content: toneWav(310) }] },
        })
      ).code,
    ).toBe(250);
    expect(got.candidates.map((c) => [c.mailbox, c.caller.number])).toEqual([
      ["3003", null],
      ["general", null],
    ]);
  });

  it("refuses a mail without audio with 554 5.6.0, and hands nothing on", async () => {
    const { port, got } = await start();
    const result = await sendMail({
      port,
      compose: {
        subject: "[PBX]: New message 1 in mailbox 1001",
        text: "attach=no on this mailbox",
        attachments: [{ filename: "notes.txt", content: Buffer.from("hello") }],
      },
    });
    expect(result.ok).toBe(false);
    expect(result.response).toMatch(/^554 5\.6\.0 no audio attachment/);
    expect(got.candidates).toHaveLength(0);
  });

  it("refuses an attachment named .wav that does not decode with 554, naming the file", async () => {
    const { port, got } = await start();
    const result = await sendMail({
      port,
      raw: asteriskMail({
        from: "vm@pbx.test",
        to: "bob@parley.test",
        subject: "mailbox 1001",
        text: "",
        parts: [{ contentType: "audio/x-wav", filename: "msg0000.wav", body: Buffer.from("RIFF....WAVEjunk") }],
      }),
    });
    expect(result.response).toMatch(/^554 5\.6\.0 the attachment msg0000\.wav is not a usable recording: invalid WAV/);
    expect(got.candidates).toHaveLength(0);
  });

  it("refuses a mail over the size limit with 552 (SIZE is advertised), and hands nothing on", async () => {
    const { port, got } = await start({ maxMessageBytes: 64 * 1024 });
    const result = await sendMail({
      port,
      compose: { subject: "mailbox 1001", text: "", attachments: [{ filename: "big.wav", content: toneWav(10_000) }] },
    });
    expect(result.ok).toBe(false);
    expect(result.code).toBe(552);
    expect(got.candidates).toHaveLength(0);
  });

  it("refuses a host outside allowFrom at connect (554 5.7.1) and a sender outside it at MAIL FROM (553)", async () => {
    const { port, got } = await start({ allowFrom: ["127.0.0.1/32", "@pbx.test"] });
    const compose = { subject: "mailbox 1001", text: "", attachments: [{ filename: "a.wav", content: toneWav(300) }] };
    const otherHost = await sendMail({ port, localAddress: "127.0.0.2", compose });
    expect(otherHost.ok).toBe(false);
    expect(otherHost.response).toMatch(/^554 5\.7\.1 127\.0\.0\.2 may not send voicemail here/);
    const otherSender = await sendMail({ port, from: "someone@elsewhere.test", compose });
    expect(otherSender.code).toBe(553);
    expect(otherSender.response).toMatch(/sender <someone@elsewhere\.test> may not send/);
    expect((await sendMail({ port, from: "VM@PBX.test", compose })).code).toBe(250);
    expect(got.candidates).toHaveLength(1);
  });

  it("requires AUTH when configured: 530 without it, 535 with a wrong password, 250 with the right one", async () => {
    const { port, got } = await start({
      auth: { users: [{ username: "freepbx", password: "s3cret-relay" }], required: true },
    });
    const compose = { subject: "mailbox 1001", text: "", attachments: [{ filename: "a.wav", content: toneWav(300) }] };
    const anonymous = await sendMail({ port, compose });
    expect(anonymous.response).toMatch(/^530 5\.7\.0 authentication required/);
    const wrong = await sendMail({ port, compose, auth: { user: "freepbx", pass: "nope" } });
    expect(wrong.code).toBe(535);
    expect((await sendMail({ port, compose, auth: { user: "freepbx", pass: "s3cret-relay" } })).code).toBe(250);
    expect(got.candidates).toHaveLength(1);
  });

  it("lets a host outside allowFrom in when it logs in (auth set, not required for allowed hosts)", async () => {
    const { port, got } = await start({
      allowFrom: ["127.0.0.1/32"],
      auth: { users: [{ username: "3cx", password: "pw-3cx" }] },
    });
    const compose = { subject: "mailbox 1001", text: "", attachments: [{ filename: "a.wav", content: toneWav(300) }] };
    expect((await sendMail({ port, localAddress: "127.0.0.2", compose })).code).toBe(530);
    expect(
      (await sendMail({ port, localAddress: "127.0.0.2", compose, auth: { user: "3cx", pass: "pw-3cx" } })).code,
    ).toBe(250);
    expect(
      (await sendMail({ port, compose: { ...compose, attachments: [{ filename: "b.wav", content: toneWav(320) }] } }))
        .code,
    ).toBe(250);
    expect(got.candidates).toHaveLength(2);
  });

  it("answers 451 when the handler fails for now (the PBX retries) and 554 when it refuses the recording for good", async () => {
    let failure: Error = new Error("database is locked");
    const { port, got } = await start({}, async () => {
      throw failure;
    });
    const compose = { subject: "mailbox 1001", text: "", attachments: [{ filename: "a.wav", content: toneWav(300) }] };
    const temporary = await sendMail({ port, compose });
    expect(temporary.response).toMatch(
      /^451 4\.3\.0 the voicemail could not be stored now, try again later: database is locked/,
    );
    failure = new ParleyError("audio_too_long", "the audio is longer than the limit of 600 s", { status: 413 });
    const permanent = await sendMail({ port, compose });
    expect(permanent.response).toMatch(/^554 5\.6\.0 the voicemail was refused: the audio is longer/);
    expect(got.candidates).toHaveLength(0);
  });

  const noOpenssl = existsSync("/usr/bin/openssl") ? false : "openssl is not installed";
  it.skipIf(noOpenssl)("offers STARTTLS with configured certificates, and AUTH goes over it", async () => {
    const dir = scratchDir("smtp-tls");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=parley.test",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const { port, got } = await start({
      tls: { key: join(dir, "key.pem"), cert: join(dir, "cert.pem") },
      auth: { users: [{ username: "pbx", password: "tls-pw" }], required: true },
    });
    const compose = { subject: "mailbox 1001", text: "", attachments: [{ filename: "a.wav", content: toneWav(300) }] };
    expect((await sendMail({ port, compose, auth: { user: "pbx", pass: "tls-pw" }, starttls: true })).code).toBe(250);
    // Without STARTTLS the server does not offer AUTH at all: passwords never cross in clear text.
    const clear = await sendMail({ port, compose, auth: { user: "pbx", pass: "tls-pw" } });
    expect(clear.ok).toBe(false);
    expect(got.candidates).toHaveLength(1);
  });

  it("fails to start with a clear error when the port is taken", async () => {
    const { port } = await start();
    const error = await startSmtpIntake(smtpIntakeSection.parse({ listen: `127.0.0.1:${port}` }), {
      onVoicemail: async () => {},
      recordings: { ffmpeg: null },
      logger: captureLogger("silent").logger,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as Error).message).toMatch(
      /intake\.smtp\.listen 127\.0\.0\.1:\d+: .*EADDRINUSE.*another program listens there/,
    );
  });
});
