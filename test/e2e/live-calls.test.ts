import { spawn, spawnSync } from "node:child_process";
import { createSocket } from "node:dgram";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeWav, parseWav, rms } from "../../src/audio/index.js";
import { freePort, freeMediaPort } from "../integration/sip/helpers.js";
import type { RunningParley } from "../helpers/parley-process.js";
import { createKey, dirArgs, pullModels, serveOnLoopback } from "../helpers/parley-setup.js";
import { repoRoot } from "../helpers/paths.js";
import { sippCall, sippMissing } from "../helpers/sipp-call.js";
import { fliteMissing, soxMissing, speechUlaw, speechWav, VOICEMAIL_ROUTINE } from "../helpers/speech.js";
import { Capture, pcmuAudio, rtpPackets, tcpdumpMissing } from "../helpers/wire.js";
import { wavTo8k } from "../helpers/line.js";

/**
 * Live calls end to end: `parley serve --profile tiny` as a real process,
 * SIPp and baresip as callers on 127.0.0.1, audio checked on the wire.
 */
const skip = sippMissing || fliteMissing || soxMissing;
const DTMF_PCAP = "/usr/share/sip-tester/dtmf_2833_1.pcap";

interface CallJson {
  id: number;
  direction: string;
  outcome: string | null;
  agent: string;
  voicemailId: number | null;
  turns: {
    role: string;
    text: string;
    source: string | null;
    interrupted: boolean;
    failed: boolean;
    failure: { stage: string; message: string } | null;
    timing: Record<string, number | null> | null;
  }[];
}

describe.skipIf(skip)("live calls against parley serve (SIPp, baresip)", () => {
  let dir: string;
  let server: RunningParley;
  let key: string;
  let sipPort: number;

  const api = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers },
    });
    return (await res.json()) as T;
  };
  const lastCall = async (): Promise<CallJson> => {
    const list = await api<{ items: { id: number }[] }>("/v1/calls?limit=1");
    return api<CallJson>(`/v1/calls/${list.items[0]!.id}`);
  };
  /** The call's record is written when the session ends, a moment after the BYE. */
  const settledCall = async (): Promise<CallJson> => {
    for (let i = 0; i < 50; i++) {
      const c = await lastCall();
      if (c.outcome) return c;
      await new Promise((r) => setTimeout(r, 200));
    }
    return lastCall();
  };
  const call = async (script: Parameters<typeof sippCall>[1], service = "receptionist") => {
    const r = await sippCall(`127.0.0.1:${sipPort}`, script, {
      sipPort: await freePort(),
      mediaPort: await freeMediaPort(),
      service,
    });
    return r;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-live-"));
    const agents = join(dir, "agents");
    mkdirSync(agents);
    copyFileSync(join(repoRoot, "agents/receptionist.yaml"), join(agents, "receptionist.yaml"));
    writeFileSync(
      join(agents, "lecturer.yaml"),
      "name: lecturer\nsystemPrompt: You explain opening hours.\nlive:\n  greeting: " +
        "Hello and welcome. Our shop is open from nine in the morning until six in the evening on weekdays, from ten until four on Saturdays, and we are closed on Sundays and public holidays. " +
        "\n  bargeInMinMs: 300\n",
    );
    writeFileSync(
      join(agents, "quiet.yaml"),
      "name: quiet\nsystemPrompt: You wait.\nlive:\n  greeting: Hello.\n  silenceTimeoutMs: 2000\n  reprompt: Still there?\n  goodbye: Goodbye.\n",
    );
    // A system prompt longer than the tiny model's context (about one token per character, 2048 tokens): every turn fails.
    writeFileSync(
      join(agents, "overfull.yaml"),
      `name: overfull\nsystemPrompt: "${"Answer every question about opening hours politely. ".repeat(45)}"\nlive:\n  greeting: Hello.\n  silenceTimeoutMs: 3500\n`,
    );
    writeFileSync(
      join(dir, "parley.yaml"),
      [
        `agents: { dir: ${agents}, default: receptionist }`,
        "calls: { answerDelayMs: 800 }",
        "rtp: { ports: { min: 31000, max: 31099 } }",
        "log: { level: warn }",
      ].join("\n"),
    );
    await pullModels(dirArgs(dir));
    key = await createKey(["--name", "e2e", ...dirArgs(dir)]);
    ({ server, sipPort } = await serveOnLoopback(dirArgs(dir)));
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(tcpdumpMissing)(
    "answers a SIPp caller, hears the words, replies, and the reply reaches the caller on the wire",
    async () => {
      const mediaPort = await freePort();
      const capture = await Capture.start(mediaPort, join(dir, "call1.pcap"));
      const audio = speechUlaw("Hello, I would like to book a table.", { leadSilenceS: 2, tailSilenceS: 3 });
      const r = await sippCall(
        `127.0.0.1:${sipPort}`,
        { audio, holdMs: 9000, hangup: "caller" },
        { sipPort: await freePort(), mediaPort, service: "receptionist" },
      );
      await capture.stop();
      expect(r.code, r.output + r.errors).toBe(0);
      const c = await settledCall();
      expect(c.outcome).toBe("caller_hangup");
      const user = c.turns.find((t) => t.role === "user");
      expect(user?.text).toMatch(/^hello i would like/);
      const reply = c.turns.find((t) => t.role === "agent" && t.source === "speech");
      expect(reply?.text).toBe("Thanks for calling. How can I help you today?");
      for (const k of ["endpointMs", "llmFirstTokenMs", "ttsFirstAudioMs", "firstRtpMs"])
        expect(reply?.timing?.[k]).not.toBeNull();
      // On the wire: greeting and reply as G.711, a steady 20 ms stream, audible.
      const packets = rtpPackets(capture.file);
      expect(packets.length).toBeGreaterThan(300); // ~9 s of 20 ms packets
      const pcm = pcmuAudio(packets);
      const frames = Array.from({ length: Math.floor(pcm.length / 160) }, (_, i) =>
        rms(pcm.subarray(i * 160, (i + 1) * 160)),
      );
      const loud = frames.filter((x) => x > 0.05);
      const greetingMs = "Thanks for calling Acme Plumbing. How can I help you today?".length * 16;
      const replyMs = "Thanks for calling. How can I help you today?".length * 16;
      // The tone voice makes 16 ms per character; allow for the quiet spaces between words.
      expect(loud.length * 20).toBeGreaterThan((greetingMs + replyMs) * 0.6);
      expect(loud.length * 20).toBeLessThan((greetingMs + replyMs) * 1.4);
      expect(Math.sqrt(loud.reduce((n, x) => n + x * x, 0) / loud.length)).toBeGreaterThan(0.1);
    },
  );

  it("takes DTMF from SIPp's RFC 2833 pcap, while garbage datagrams hit the RTP ports", async () => {
    const blaster = createSocket("udp4");
    const junk = setInterval(() => {
      for (let p = 31000; p < 31100; p += 2)
        blaster.send(Buffer.from(`garbage ${Math.random()}`.repeat(3)), p, "127.0.0.1");
    }, 50);
    try {
      const r = await call({ dtmfPcap: DTMF_PCAP, audioDelayMs: 2000, holdMs: 6000, hangup: "caller" });
      expect(r.code, r.output + r.errors).toBe(0);
    } finally {
      clearInterval(junk);
      blaster.close();
    }
    const c = await settledCall();
    expect(c.turns.find((t) => t.role === "user")).toMatchObject({
      source: "dtmf",
      text: "(The caller pressed 1 on the keypad.)",
    });
    expect(c.turns.some((t) => t.role === "agent" && t.source === "speech")).toBe(true);
  });

  it("stops talking when the caller barges in", async () => {
    const audio = speechUlaw("Sorry to interrupt, I need to book a table for tonight.", {
      leadSilenceS: 1.5,
      tailSilenceS: 2,
    });
    const r = await call({ audio, holdMs: 9000, hangup: "caller" }, "lecturer");
    expect(r.code, r.output + r.errors).toBe(0);
    const c = await settledCall();
    const greeting = c.turns.find((t) => t.source === "greeting");
    expect(greeting?.interrupted).toBe(true);
    expect(greeting!.text.endsWith("...")).toBe(true);
    expect(greeting!.text.length).toBeLessThan(180); // the full greeting is over 230 characters
    expect(c.turns.some((t) => t.role === "user")).toBe(true);
  });

  it("hangs up itself (BYE from Parley) after silence, with a reprompt and a goodbye", async () => {
    const r = await call({ holdMs: 15_000, hangup: "wait-for-bye" }, "quiet");
    expect(r.code, r.output + r.errors).toBe(0);
    const c = await settledCall();
    expect(c.outcome).toBe("silence_timeout");
    expect(c.turns.map((t) => t.source)).toEqual(["greeting", "reprompt", "goodbye"]);
  });

  it("three failed turns: the fallback line twice, then the offer; no answer takes the message into a voicemail", async () => {
    // The caller's side, as one stream: three questions, a pause through the offer and the message prompt, then the message.
    const parts = [
      speechUlaw("I would like to book a table.", { leadSilenceS: 1.5, tailSilenceS: 3.5 }),
      speechUlaw("Can you hear me?", { tailSilenceS: 3.5 }),
      speechUlaw("Is anyone there?", { tailSilenceS: 9 }),
      speechUlaw(VOICEMAIL_ROUTINE, { tailSilenceS: 5 }),
    ];
    const audio = join(dir, "three-failures.ulaw");
    writeFileSync(audio, Buffer.concat(parts.map((p) => readFileSync(p))));
    const r = await call({ audio, holdMs: 45_000, hangup: "wait-for-bye" }, "overfull");
    expect(r.code, r.output + r.errors).toBe(0);
    const c = await settledCall();
    expect(c.outcome).toBe("message_taken");
    const replies = c.turns.filter((t) => t.role === "agent" && t.source === "speech");
    const offer =
      "I'm sorry, I'm having trouble on my side. Would you like to leave a message for the team? Say yes, or press 1.";
    expect(replies.slice(0, 3).map((t) => t.text)).toEqual([
      "Sorry, I didn't catch that. Could you say it again?",
      "Sorry, I didn't catch that. Could you say it again?",
      offer,
    ]);
    // A pause inside a sentence can make one more caller turn (an answer that is neither yes nor no); it fails too and offers again.
    expect(replies[replies.length - 1]!.text).toBe(offer);
    for (const t of replies) {
      expect(t).toMatchObject({ failed: true, interrupted: false, failure: { stage: "context" } });
      expect(t.failure!.message).toMatch(/shorten the system prompt/);
    }
    // The message went the take_message way: the recording became a voicemail linked to the call.
    expect(c.voicemailId).not.toBeNull();
    const vm = await api<{ id: number; agent: string }>(`/v1/voicemails/${c.voicemailId}`);
    expect(vm).toMatchObject({ id: c.voicemailId, agent: "overfull" });
  });

  it("a CANCEL before answer gets 487 and leaves a cancelled record", async () => {
    const r = await call({ cancelAfterMs: 300, holdMs: 3000, hangup: "caller" });
    expect(r.code, r.output + r.errors).toBe(0);
    expect((await settledCall()).outcome).toBe("cancelled");
  });

  it("answers 488 to an offer with no codec in common", async () => {
    const r = await call({ offer: "g729", holdMs: 2000, hangup: "caller" });
    expect(r.code, r.output + r.errors).toBe(0);
  });

  it("survives malformed SIP datagrams and still answers", async () => {
    const s = createSocket("udp4");
    const junk = [
      "",
      "INVITE",
      "INVITE sip:x SIP/2.0\r\nContent-Length: 99999\r\n\r\n",
      "\u0000".repeat(3000),
      "SIP/2.0 200 OK\r\n\r\n",
      Buffer.alloc(65000, 0x41).toString(),
    ];
    for (const j of junk) await new Promise<void>((res) => s.send(Buffer.from(j), sipPort, "127.0.0.1", () => res()));
    s.close();
    const r = await call({ cancelAfterMs: 100, holdMs: 3000, hangup: "caller" });
    expect(r.code, r.output + r.errors).toBe(0);
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);
  });

  it.skipIf(spawnSync("baresip", ["-h"]).error ? "baresip is not installed" : false)(
    "baresip as an independent caller: answered, and it hears the agent",
    async () => {
      const bdir = mkdtempSync(join(tmpdir(), "parley-baresip-"));
      try {
        const speech = wavTo8k(speechWav("Hello, I would like to book a table."));
        const padded = new Int16Array(speech.length + 8000 * 8);
        padded.set(speech, 8000 * 2);
        writeFileSync(join(bdir, "caller.wav"), encodeWav({ channels: [padded], sampleRate: 8000 }));
        const port = await freePort();
        const rtpBase = 32000 + 2 * Math.floor(Math.random() * 1000);
        writeFileSync(
          join(bdir, "config"),
          [
            "poll_method epoll",
            `sip_listen 127.0.0.1:${port}`,
            "call_local_timeout 20",
            "audio_player aubridge,null",
            `audio_source aufile,${join(bdir, "caller.wav")}`,
            "audio_alert aubridge,null",
            `rtp_ports ${rtpBase}-${rtpBase + 20}`,
            "net_interface 127.0.0.1",
            "module_path /usr/lib/baresip/modules",
            "module g711.so",
            "module aufile.so",
            "module aubridge.so",
            "module sndfile.so",
            `snd_path ${bdir}`,
            "module_tmp account.so",
            "module_app menu.so",
            "",
          ].join("\n"),
        );
        writeFileSync(join(bdir, "accounts"), "<sip:probe@127.0.0.1>;regint=0;audio_codecs=PCMU/8000/1\n");
        const child = spawn("baresip", ["-f", bdir, "-e", `/dial sip:receptionist@127.0.0.1:${sipPort}`, "-t", "16"], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        await new Promise<void>((resolve) => child.on("exit", () => resolve()));
        const c = await settledCall();
        expect(c.turns.some((t) => t.role === "user")).toBe(true);
        // sndfile writes what baresip heard (the decoded stream from us) and what it sent.
        const heardFiles = readdirSync(bdir).filter((f) => f.endsWith(".wav") && f.includes("dec"));
        expect(heardFiles.length).toBeGreaterThan(0);
        const heard = parseWav(readFileSync(join(bdir, heardFiles[0]!)));
        const loudMs =
          Array.from({ length: Math.floor(heard.samples.length / 160) }, (_, i) =>
            rms(heard.samples.subarray(i * 160, (i + 1) * 160)),
          ).filter((x) => x > 0.05).length *
          ((160 * 1000) / heard.sampleRate);
        expect(loudMs).toBeGreaterThan(500);
      } finally {
        rmSync(bdir, { recursive: true, force: true });
      }
    },
  );

  it("places an outbound call to a SIPp UAS through the API", async () => {
    const uasPort = await freePort();
    const uas = spawn(
      "sipp",
      [
        "-sn",
        "uas",
        "-i",
        "127.0.0.1",
        "-p",
        String(uasPort),
        "-mp",
        String(await freeMediaPort()),
        "-m",
        "1",
        "-nostdin",
        "-timeout",
        "30s",
      ],
      { stdio: "ignore" },
    );
    const uasDone = new Promise<number | null>((resolve) => uas.on("exit", (code) => resolve(code)));
    await new Promise((r) => setTimeout(r, 500));
    const res = await fetch(`${server.baseUrl}/v1/calls`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        to: `sip:customer@127.0.0.1:${uasPort}`,
        agent: "quiet",
        greeting: "Hello, this is Acme calling you back.",
      }),
    });
    expect(res.status).toBe(202);
    const { callId } = (await res.json()) as { callId: number };
    expect(await uasDone).toBe(0);
    for (let i = 0; i < 50; i++) {
      const c = await api<CallJson>(`/v1/calls/${callId}`);
      if (c.outcome) {
        expect(c).toMatchObject({ direction: "outbound", agent: "quiet", outcome: "silence_timeout" });
        expect(c.turns[0]).toMatchObject({ source: "greeting", text: "Hello, this is Acme calling you back." });
        return;
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error("the outbound call never finished");
  });
});

describe.skipIf(skip)("the hybrid flow over SIP", () => {
  let dir: string;
  let server: RunningParley;
  let key: string;
  let sipPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "parley-hybrid-"));
    // A site catalog: the tiny profile with a streaming ASR that hears "please call me back" in any speech.
    writeFileSync(
      join(dir, "site-catalog.json"),
      JSON.stringify({
        version: 1,
        models: [
          {
            id: "tiny-asr-callback",
            kind: "asr-streaming",
            engine: "sherpa-online-tone-ctc",
            description: "test: hears a callback request",
            license: "Apache-2.0",
            languages: ["en"],
            sampleRate: 8000,
            sizeBytes: 0,
            generator: { name: "tone-asr-streaming", args: { words: ["please", "call", "me", "back"] } },
            config: { model: "model.onnx", tokens: "tokens.txt" },
          },
        ],
        profiles: {
          "tiny-callback": {
            description: "tiny, hearing a callback request",
            vad: "silero-vad-v4-npm",
            asrStreaming: "tiny-asr-callback",
            asrBatch: "tiny-asr-batch",
            llm: "tiny-llm",
            tts: "tiny-tts",
          },
        },
      }),
    );
    writeFileSync(
      join(dir, "parley.yaml"),
      `models: { extraCatalogs: [${join(dir, "site-catalog.json")}] }\nagents: { dir: ${join(repoRoot, "agents")} }\ncalls: { timeZone: UTC }\nlog: { level: warn }\n`,
    );
    await pullModels(dirArgs(dir), "tiny-callback");
    key = await createKey(dirArgs(dir));
    ({ server, sipPort } = await serveOnLoopback(dirArgs(dir), { profile: "tiny-callback" }));
  });
  afterAll(async () => {
    expect(await server?.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it("agrees a call back, says goodbye, hangs up, and leaves a queued callback job", async () => {
    const audio = speechUlaw("Please call me back tomorrow.", { leadSilenceS: 2, tailSilenceS: 1 });
    const r = await sippCall(
      `127.0.0.1:${sipPort}`,
      { audio, holdMs: 20_000, hangup: "wait-for-bye" },
      { sipPort: await freePort(), mediaPort: await freeMediaPort() },
    );
    expect(r.code, r.output + r.errors).toBe(0);
    const headers = { authorization: `Bearer ${key}` };
    const calls = (await (await fetch(`${server.baseUrl}/v1/calls`, { headers })).json()) as {
      items: { id: number; outcome: string }[];
    };
    expect(calls.items[0]?.outcome).toBe("callback_scheduled");
    const jobs = (await (await fetch(`${server.baseUrl}/v1/jobs?kind=callback.place`, { headers })).json()) as {
      items: { kind: string; status: string; payload: Record<string, unknown>; runAt: number | string }[];
    };
    expect(jobs.items).toHaveLength(1);
    expect(jobs.items[0]!.payload).toMatchObject({ topic: "order", source: "live-call" });
    expect(String(jobs.items[0]!.payload.summary)).toContain("Caller: please call me back");
    expect(new Date(jobs.items[0]!.runAt).toISOString().slice(11, 16)).toBe("10:00");
    expect(existsSync(dir)).toBe(true);
  });
});
