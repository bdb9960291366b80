import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAgent } from "../../../src/agent/load.js";
import { Conversation } from "../../../src/agent/conversation/conversation.js";
import type { ConversationResult, TurnRecord } from "../../../src/agent/conversation/types.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { EmbedEngine, LlmEngine, StreamingAsr, TtsEngine, VadEngine } from "../../../src/engines/types.js";
import { createKnowledge, type Knowledge } from "../../../src/knowledge/index.js";
import { systemClock } from "../../../src/lib/clock.js";
import { silentLogger } from "../../../src/lib/logger.js";
import { openDatabase, type Database } from "../../../src/store/index.js";
import { CallsRepo } from "../../../src/store/repos/calls-repo.js";
import { SqliteSql } from "../../../src/store/sql/index.js";
import { openLine, silencePcm, until, wavTo8k, type Line } from "../../helpers/line.js";
import { generatedModel, sileroRef, testConfig } from "../../helpers/models.js";
import { fliteMissing, speechWav } from "../../helpers/speech.js";

/**
 * A live call whose answer comes from the agent's knowledge base, on a real
 * RTP line over loopback with the tiny engines: the caller asks about
 * parking, the scripted LLM calls search_knowledge, the real knowledge base
 * (SQLite FTS5 and tiny-embed vectors, fused) returns the FAQ entry, the LLM
 * answers from it, and the turn records the chunk as its source, which the
 * calls table stores and reads back.
 */
const FAQ = [
  "# Brightwater Dental FAQ",
  "## Is there parking at the clinic?",
  "Free parking is behind the clinic on Harbour Street, with two spaces for wheelchair users.",
  "## When are you open?",
  "Monday to Friday from 8 to 18, Saturday from 9 to 13.",
  "## Do you take new patients?",
  "Yes, every clinic takes new patients; the first check-up is 45 minutes.",
].join("\n\n");
const ANSWER = "Yes, free parking is behind the clinic on Harbour Street.";

describe.skipIf(fliteMissing)("a live call answered from the knowledge base", () => {
  let vad: VadEngine;
  let asr: StreamingAsr;
  let llm: LlmEngine;
  let tts: TtsEngine;
  let embedder: EmbedEngine;
  let dir: string;
  let db: Database;
  let kb: Knowledge;
  let line: Line | undefined;

  beforeAll(async () => {
    const config = testConfig();
    vad = await createEngine("vad", sileroRef(), config);
    asr = await createEngine(
      "asr-streaming",
      await generatedModel("tiny-asr-streaming", { words: ["is", "there", "parking", "nearby"] }, "-parking"),
      config,
    );
    // Asked about parking, it searches; once a passage naming Harbour Street is in its prompt, it answers from it.
    const script = {
      rules: [
        { triggers: ["harbour"], reply: ANSWER },
        { triggers: ["parking"], reply: '||call: search_knowledge({"query": "parking"})' },
      ],
      defaultReply: "How can I help you?",
    };
    llm = await createEngine("llm", await generatedModel("tiny-llm", script, "-knowledge"), config);
    tts = await createEngine("tts", await generatedModel("tiny-tts"), config);
    embedder = await createEngine("embed", await generatedModel("tiny-embed"), config);
    dir = mkdtempSync(join(tmpdir(), "parley-knowledge-call-"));
    db = openDatabase(join(dir, "parley.db"));
    kb = createKnowledge({ sql: new SqliteSql(db), sqlite: db, embedder, clock: systemClock, logger: silentLogger() });
    await kb.addDocument("dental", { name: "clinic-faq.md", data: FAQ });
  });
  afterAll(async () => {
    await line?.close();
    await Promise.all([vad, asr, llm, tts, embedder].map((e) => e?.dispose()));
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("calls search_knowledge, answers from the chunk, and records the chunk as the answer's source", async () => {
    line = await openLine();
    const turns: TurnRecord[] = [];
    const searches: { agent: string; query: string; mode: string }[] = [];
    const controller = new AbortController();
    const conversation = new Conversation({
      agent: parseAgent(
        {
          name: "dental",
          systemPrompt: "You are the receptionist of a dental practice. Keep replies short.",
          tools: [{ type: "builtin", name: "search_knowledge" }],
          live: { greeting: "Hello, dental practice.", silenceTimeoutMs: 20_000 },
        },
        "test",
      ),
      engines: { vad, asrStreaming: asr, llm, tts },
      audio: line.agent,
      control: { hangup: async () => controller.abort(), transfer: async () => ({ status: 503, reason: "none" }) },
      toolServices: {
        timeZone: "UTC",
        now: () => new Date(),
        scheduleCallback: async () => ({ jobId: 1 }),
        searchKnowledge: async (agent, query, o) => {
          const r = await kb.search(agent, query, o);
          searches.push({ agent, query, mode: r.mode });
          return r;
        },
      },
      callId: "knowledge-call",
      caller: "+14155550100",
      logger: silentLogger(),
      echoMarginDb: 15,
      onTurn: (t) => turns.push(t),
    });
    const result: Promise<ConversationResult> = conversation.run(controller.signal);
    try {
      await until(() => turns.some((t) => t.source === "greeting"), 10_000, "the greeting");
      await line.say(wavTo8k(speechWav("Is there parking nearby?")));
      await line.say(silencePcm(300));
      await until(() => turns.some((t) => t.role === "agent" && t.source === "speech"), 30_000, "the agent's answer");
    } finally {
      controller.abort();
      await result;
    }
    expect(turns.find((t) => t.role === "user")?.text).toMatch(/^is there parking/);
    expect(searches).toEqual([{ agent: "dental", query: "parking", mode: "hybrid" }]);
    const answer = turns.find((t) => t.role === "agent" && t.source === "speech")!;
    expect(answer.text).toBe(ANSWER);
    expect(answer.toolCalls?.map((c) => c.name)).toEqual(["search_knowledge"]);
    const source = answer.sources?.[0];
    expect(source).toMatchObject({
      document: "clinic-faq.md",
      version: 1,
      heading: "Brightwater Dental FAQ > Is there parking at the clinic?",
    });
    expect(source?.excerpt).toContain("Harbour Street");
    // The cited chunk is the one the knowledge base holds under that id.
    const chunk = (await kb.getDocument("dental", "clinic-faq.md"))!.chunks.find((c) => c.id === source!.chunkId);
    expect(chunk?.text).toContain("Free parking is behind the clinic");

    // The calls table keeps the sources with the turn (migration's column), as the transcript shows them.
    const calls = new CallsRepo(new SqliteSql(db));
    const call = await calls.start({
      sipCallId: "knowledge-call",
      direction: "inbound",
      fromUri: "sip:+14155550100@127.0.0.1",
      toUri: "sip:dental@127.0.0.1",
      remoteNumber: "+14155550100",
      agent: "dental",
      startedAt: Date.now(),
    });
    for (const t of turns) await calls.turn(call.id, t);
    const stored = (await calls.turns(call.id)).find((t) => t.idx === answer.index)!;
    expect(stored.sources).toEqual(answer.sources);
    expect((await calls.turns(call.id)).find((t) => t.source === "greeting")?.sources).toBeNull();
  });
});
