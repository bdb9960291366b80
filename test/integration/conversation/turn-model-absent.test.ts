import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Conversation } from "../../../src/agent/conversation/conversation.js";
import type { TurnRecord } from "../../../src/agent/conversation/types.js";
import { parseAgent } from "../../../src/agent/load.js";
import { liveTurnSettings } from "../../../src/agent/turn-taking/settings.js";
import { EngineHost } from "../../../src/engines/host/engine-host.js";
import type { ModelRef } from "../../../src/engines/model-ref.js";
import { createMetricsRegistry } from "../../../src/lib/metrics.js";
import { openLine, silencePcm, until, wavTo8k, type Line } from "../../helpers/line.js";
import { generatedModel, testConfig, tinyEngineRefs } from "../../helpers/models.js";
import { scratchDir } from "../../helpers/scratch.js";
import { fliteMissing, speechWav } from "../../helpers/speech.js";
import { captureLogger } from "../sip/helpers.js";

/**
 * The turn model is optional: on `tiny`, a profile whose turn model is not
 * installed, or whose model file is corrupt, still loads (ready), says so once
 * in the log, and its live calls go on, ending turns on silence (or the
 * recogniser's endpoint), never on a model verdict.
 */
describe.skipIf(fliteMissing)("live calls without a working turn model (tiny engines)", () => {
  let host: EngineHost | null = null;
  let line: Line | null = null;
  afterEach(async () => {
    await line?.close();
    await host?.stop();
    line = null;
    host = null;
  });

  async function startHost(turn: { ref: ModelRef } | { missing: string }) {
    const config = testConfig();
    const log = captureLogger("info");
    host = new EngineHost(
      await tinyEngineRefs(),
      [],
      config,
      log.logger,
      createMetricsRegistry({ defaults: false }),
      () => [],
      turn,
    );
    await host.start();
    return { config, lines: log.lines };
  }

  /** One caller turn on a real RTP line with the host's engines; resolves with the agent's reply record. */
  async function oneTurn(config: ReturnType<typeof testConfig>): Promise<TurnRecord> {
    const engines = host!.engines();
    expect(engines).not.toBeNull();
    expect(engines!.turn).toBeUndefined();
    line = await openLine();
    const agent = parseAgent({ name: "test", systemPrompt: "You are a helpful receptionist." }, "test");
    const turns: TurnRecord[] = [];
    const controller = new AbortController();
    const conversation = new Conversation({
      agent,
      engines: engines!,
      audio: line.agent,
      control: { hangup: async () => controller.abort(), transfer: async () => ({ status: 503, reason: "none" }) },
      toolServices: { timeZone: "UTC", now: () => new Date(), scheduleCallback: async () => ({ jobId: 1 }) },
      callId: "no-turn-model",
      caller: null,
      logger: captureLogger("silent").logger,
      echoMarginDb: 15,
      // The server's turn settings ask for the model (calls.turn.model defaults on): there is none to ask.
      turn: liveTurnSettings(agent.live, config.calls.turn, engines!.turn ?? null),
      onTurn: (t) => turns.push(t),
    });
    const result = conversation.run(controller.signal);
    try {
      await until(() => turns.some((t) => t.source === "greeting"), 20_000, "the greeting");
      await line.say(
        new Int16Array([...wavTo8k(speechWav("Hello, I would like to book a table for two.")), ...silencePcm(1500)]),
      );
      await until(() => turns.some((t) => t.role === "agent" && t.source === "speech"), 30_000, "the reply");
    } finally {
      controller.abort();
      await result.catch(() => undefined);
    }
    expect(turns.find((t) => t.role === "user")?.text).toMatch(/book a table/);
    return turns.find((t) => t.role === "agent" && t.source === "speech")!;
  }

  it("not installed: ready without it, one clear log line, and the call ends turns on silence", async () => {
    const { config, lines } = await startHost({ missing: "tiny-turn" });
    expect(host!.ready).toBe(true);
    expect(lines.filter((l) => String(l.msg).includes("turn model not installed"))).toHaveLength(1);
    expect(String(lines.find((l) => String(l.msg).includes("turn model"))?.msg)).toMatch(/silence alone/);
    const reply = await oneTurn(config);
    expect(reply.text.length).toBeGreaterThan(0);
    expect(["vad", "asr"]).toContain(reply.timing?.endedBy);
    expect(reply.timing?.turnModel ?? null).toBeNull();
  }, 120_000);

  it("a corrupt model file: the load error is logged with the model's name, and the call goes on the same way", async () => {
    const good = await generatedModel("tiny-turn");
    const dir = scratchDir("parley-corrupt-turn");
    cpSync(good.dir, dir, { recursive: true });
    writeFileSync(join(dir, "model.onnx"), Buffer.from("this is not a model file at all ".repeat(64)));
    const { config, lines } = await startHost({ ref: { model: good.model, dir } });
    expect(host!.ready).toBe(true);
    const failed = lines.filter((l) => String(l.msg).includes("turn model failed to load"));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ role: "turn", model: good.model.id });
    expect(String(failed[0]!.msg)).toMatch(/silence alone/);
    const reply = await oneTurn(config);
    expect(reply.text.length).toBeGreaterThan(0);
    expect(["vad", "asr"]).toContain(reply.timing?.endedBy);
  }, 120_000);
});
