import { afterEach, describe, expect, it } from "vitest";
import { EngineHost } from "../../../src/engines/host/engine-host.js";
import { createMetricsRegistry } from "../../../src/lib/metrics.js";
import { generatedModel, testConfig, tinyEngineRefs } from "../../helpers/models.js";
import { captureLogger } from "../sip/helpers.js";

/**
 * The first runs of the LLM, the TTS and the turn model are paid at start (warm-up.ts),
 * before the engines count as loaded, through the path a call takes, and they
 * leave nothing behind: no metrics, no slot held.
 */
describe("engine warm-up at start (tiny engines)", () => {
  let host: EngineHost | null = null;
  afterEach(async () => {
    await host?.stop();
    host = null;
  });

  it("runs the LLM, the TTS and the turn model before they count as loaded, uncounted, and the first call's reply follows", async () => {
    const log = captureLogger("info");
    const registry = createMetricsRegistry({ defaults: false });
    const agentPrompt = [{ role: "system" as const, content: "You are a helpful receptionist for Acme Plumbing." }];
    host = new EngineHost(
      await tinyEngineRefs(),
      [],
      testConfig(),
      log.logger,
      registry,
      () => [{ messages: agentPrompt, tools: [] }],
      { ref: await generatedModel("tiny-turn") },
    );
    await host.start();

    const msgs = log.lines.map((l) => ({ msg: l.msg as string, role: l.role as string | undefined }));
    const at = (msg: string, role: string) => msgs.findIndex((m) => m.msg === msg && m.role === role);
    for (const role of ["llm", "tts", "turn"]) {
      expect(at("engine warmed up", role), role).toBeGreaterThanOrEqual(0);
      expect(at("engine warmed up", role), role).toBeLessThan(at("engine loaded", role));
    }
    expect(msgs.some((m) => m.msg.startsWith("engine warm-up failed"))).toBe(false);
    // llama.cpp's runtime forks a child as it starts, which would undo the warm-up of engines loaded before it.
    const runtime = msgs.findIndex((m) => m.msg === "llama.cpp runtime started");
    expect(runtime).toBeGreaterThanOrEqual(0);
    expect(runtime).toBeLessThan(msgs.findIndex((m) => m.msg === "engine loaded"));

    // Uncounted: the LLM's first-token histogram and the TTS's real-time factor have no sample yet.
    const before = await registry.getSingleMetricAsString("parley_llm_first_token_seconds");
    expect(before).toMatch(/parley_llm_first_token_seconds_count\{[^}]*\} 0|^(?![\s\S]*_count)/);
    const rtf = await registry.getSingleMetricAsString("parley_engine_rtf");
    expect(rtf).not.toMatch(/parley_engine_rtf_count\{[^}]*role="tts"[^}]*\} [1-9]/);

    // Admission reads an idle LLM: the warm-up's waits and token gaps are forgotten.
    const engines = host.engines()!;
    expect(engines.llm.liveQueueDelayMs).toBe(0);
    // Nothing held: a live reply with the agent's prompt runs to the end at once.
    expect(engines.turn).toBeDefined();
    let text = "";
    let done = false;
    for await (const d of engines.llm.chat([...agentPrompt, { role: "user", content: "Can you fix a leak?" }], {
      signal: AbortSignal.timeout(30_000),
      maxTokens: 8,
    })) {
      if (d.type === "text") text += d.text;
      if (d.type === "done") done = true;
    }
    expect(done).toBe(true);
    expect(text.length).toBeGreaterThan(0);
    const after = await registry.getSingleMetricAsString("parley_llm_first_token_seconds");
    expect(after).toMatch(/parley_llm_first_token_seconds_count(\{[^}]*\})? 1\b/);
    // And the TTS's first counted render is the call's.
    for await (const chunk of engines.tts.synthesize("Yes, we can.", { signal: AbortSignal.timeout(30_000) }))
      void chunk;
    expect(await registry.getSingleMetricAsString("parley_engine_rtf")).toMatch(
      /parley_engine_rtf_count\{[^}]*role="tts"[^}]*\} 1\b/,
    );
  });
});
