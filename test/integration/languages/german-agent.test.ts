import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phrasesFor } from "../../../src/agent/phrases/index.js";
import type { CallManager } from "../../../src/calls/call-manager.js";
import { sipSection } from "../../../src/config/sections/sip.js";
import { PortPool } from "../../../src/rtp/index.js";
import { createSipPort, type SipPort } from "../../../src/sip/index.js";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import type { Worker } from "../../../src/jobs/index.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { catalogEntry, generatedModel } from "../../helpers/models.js";
import { repoRoot } from "../../helpers/paths.js";
import { sippCall } from "../../helpers/sipp-call.js";
import { fliteMissing, soxMissing, speechUlaw, speechWavBytes } from "../../helpers/speech.js";
import { waitFor } from "../jobs/helpers.js";
import { sippMissing } from "../notify/sip.js";
import { freePort, freeMediaPort } from "../sip/helpers.js";
import { settled, uploadRaw, type VoicemailJson } from "../voicemail/helpers.js";

/**
 * Issue 16, languages: a German agent end to end on the tiny models. The
 * `tiny` profile has a `de` entry (models/catalog.json: `tiny-*-de`, the
 * project's generators with German scripts): a streaming and a batch
 * recogniser whose scripts are German, an LLM that replies in German and a
 * voice of its own. The base recognisers' scripts are English, so German
 * words in a transcript prove the German one was chosen; the German LLM
 * answers extraction with its German record only when the prompt holds
 * "Abschrift" (the German prompt's transcript heading).
 */
const skip = sippMissing || fliteMissing || soxMissing;

const TINY_DE = (
  JSON.parse(readFileSync(join(repoRoot, "models/catalog.json"), "utf8")) as {
    profiles: { tiny: { languages: { de: Record<"asrStreaming" | "asrBatch" | "llm" | "tts", string> } } };
  }
).profiles.tiny.languages.de;
const DE = catalogEntry("tiny-asr-streaming-de").generator!.args as { words: string[] };
const DE_BATCH = catalogEntry("tiny-asr-batch-de").generator!.args as { words: string[] };
const DE_LLM = catalogEntry("tiny-llm-de").generator!.args as { defaultReply: string };

describe.skipIf(skip)("a German agent end to end (tiny models with a de entry)", () => {
  let t: TestApp;
  let sip: SipPort;
  let calls: CallManager;
  let worker: Worker;
  const de = phrasesFor("de");

  beforeAll(async () => {
    // The tiny profile's de entry, as `parley serve --profile tiny` installs it.
    const entry = TINY_DE;
    const [asrStreaming, asrBatch, llm, tts] = await Promise.all(
      [entry.asrStreaming, entry.asrBatch, entry.llm, entry.tts].map((id) => generatedModel(id)),
    );
    t = await createTestApp({
      engines: { profile: "tiny", languages: { de: { asrStreaming, asrBatch, llm, tts } } },
    });
    await t.services.agents.save({
      name: "empfang",
      language: "de",
      description: "Sanitär Huber",
      systemPrompt: "Du bist der Empfang der Sanitär Huber GmbH. Antworte kurz.",
      live: { silenceTimeoutMs: 2000 },
      voicemail: { categories: ["emergency", "termin", "sonstiges"] },
    });
    sip = await createSipPort(
      sipSection.parse({ listen: { host: "127.0.0.1", port: 0 }, rateLimit: { perSecond: 0 } }),
      { logger: t.services.logger, registry: t.services.registry },
    );
    calls = t.features.calls.attach(sip, new PortPool({ min: 34700, max: 34739 }));
    calls.start();
    worker = t.startWorker();
  });
  afterAll(async () => {
    await worker?.stop({ graceMs: 0 });
    await calls?.stop();
    await sip?.close();
    await t?.close();
  });

  it("loads the de entry's models beside the base ones, and hands them to German agents only", () => {
    expect(t.services.engines.status().filter((s) => s.language === "de")).toEqual([
      expect.objectContaining({ role: "asrStreaming", modelId: "tiny-asr-streaming-de", status: "ready" }),
      expect.objectContaining({ role: "asrBatch", modelId: "tiny-asr-batch-de", status: "ready" }),
      expect.objectContaining({ role: "llm", modelId: "tiny-llm-de", status: "ready" }),
      expect.objectContaining({ role: "tts", modelId: "tiny-tts-de", status: "ready" }),
    ]);
    expect(t.services.engines.engines("de-AT")?.tts.info.modelId).toBe("tiny-tts-de");
    expect(t.services.engines.engines("de")?.asrStreaming.info.modelId).toBe("tiny-asr-streaming-de");
    expect(t.services.engines.engines("en")?.tts.info.modelId).toBe("tiny-tts");
    expect(t.services.engines.engines()?.asrStreaming.info.modelId).toBe("tiny-asr-streaming");
  });

  it("a live call: greeting, reprompt and goodbye in German, the caller heard by the German recogniser", async () => {
    const audio = speechUlaw("Hello, I would like to book a table for two.", { leadSilenceS: 3, tailSilenceS: 1 });
    const r = await sippCall(
      `127.0.0.1:${sip.local.port}`,
      { audio, holdMs: 30_000, hangup: "wait-for-bye" },
      { sipPort: await freePort(), mediaPort: await freeMediaPort(), service: "empfang" },
    );
    expect(r.code, r.output + r.errors).toBe(0);
    const repo = new CallsRepo(t.services.sql);
    const call = await waitFor(
      async () =>
        (await repo.list({ direction: "inbound", limit: 10 })).find((c) => c.agent === "empfang" && c.outcome),
      "the call's record",
      20_000,
    );
    expect(call.outcome).toBe("silence_timeout");
    const turns = await repo.turns(call.id);
    const said = (source: string) => turns.find((x) => x.role === "agent" && x.source === source)?.text;
    expect(said("greeting")).toBe(de.live.greeting);
    expect(said("reprompt")).toBe(de.live.reprompt);
    expect(said("goodbye")).toBe(de.live.goodbye);
    // The German script's first words (one per loud 300 ms of the caller's audio), and the German LLM's reply.
    const heard = turns.find((x) => x.role === "user")?.text ?? "";
    expect(heard.split(" ").length).toBeGreaterThanOrEqual(3);
    expect(DE.words.join(" ").startsWith(heard), heard).toBe(true);
    expect(said("speech")).toBe(DE_LLM.defaultReply);
  });

  it("a voicemail: heard by the German batch recogniser, extracted by the German LLM from the German prompt", async () => {
    const res = await uploadRaw(t, speechWavBytes("Hello, I would like to book a table for two people tomorrow."), {
      agent: "empfang",
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { voicemail } = (await res.json()) as { voicemail: VoicemailJson };
    const v = await settled(t, voicemail.id, 60_000);
    expect(v).toMatchObject({
      status: "processed",
      summary: "Anna meldet, dass ihr Keller unter Wasser steht, und braucht sofort Hilfe.",
      category: "emergency",
    });
    // The German batch script's first words, one per loud 300 ms of the message.
    expect(v.transcript?.split(" ").length).toBeGreaterThanOrEqual(5);
    expect(DE_BATCH.words.join(" ").startsWith(v.transcript ?? "-"), v.transcript ?? "").toBe(true);
  });
});
