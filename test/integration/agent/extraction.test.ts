import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadAgentFile } from "../../../src/agent/load.js";
import { extractForm, extractVoicemail } from "../../../src/agent/extraction/extract.js";
import { createEngine } from "../../../src/engines/factory.js";
import type { LlmEngine } from "../../../src/engines/types.js";
import { generatedModel, testConfig } from "../../helpers/models.js";
import { join } from "node:path";
import { repoRoot } from "../../helpers/paths.js";

/** Voicemail and form extraction through the real LLM engine on the scripted model. */
describe("extraction on the scripted LLM", () => {
  const agent = loadAgentFile(join(repoRoot, "agents/receptionist.yaml"));
  let llm: LlmEngine;
  let formLlm: LlmEngine;
  beforeAll(async () => {
    llm = await createEngine("llm", await generatedModel("tiny-llm"), testConfig());
    // A variant whose rule answers form prompts, as a real model would.
    const formReply =
      '{"summary": "Alice orders three large items.", "caller_name": "Alice", "order_number": "A-1001", "quantity": 3, "delivery_date": "2026-12-01", "phone": "415 555 0123", "size": "large", "gift_wrap": null}';
    formLlm = await createEngine(
      "llm",
      await generatedModel("tiny-llm", { rules: [{ triggers: ["form"], reply: formReply }] }, "-form"),
      testConfig(),
    );
  });
  afterAll(async () => {
    await llm?.dispose();
    await formLlm?.dispose();
  });
  const o = () => ({ signal: AbortSignal.timeout(30_000), defaultCountryCode: "1" });

  it("triages a routine message", async () => {
    const r = await extractVoicemail(
      llm,
      agent,
      "hello this is alice calling about my order please call me",
      { mailbox: "100" },
      o(),
    );
    expect(r.data).toMatchObject({
      caller_name: "Alice",
      category: "orders",
      urgency: 2,
      action: "follow_up",
      callback_number: "+14155550123",
    });
    expect(r.usage?.completionTokens).toBeGreaterThan(0);
  });

  it("triages an urgent message as urgent", async () => {
    const r = await extractVoicemail(llm, agent, "hello this is alice it is urgent the basement is flooding", {}, o());
    expect(r.data).toMatchObject({ category: "emergency", urgency: 5, action: "escalate", sentiment: "negative" });
    expect(r.data.tags).toEqual(["flooding", "urgent"]);
  });

  it("fills a voice form and flags what is missing", async () => {
    const r = await extractForm(
      formLlm,
      agent,
      agent.form!.fields,
      "alice order a one zero zero one three large ones",
      { mailbox: "orders" },
      o(),
    );
    expect(r.data.values).toMatchObject({
      caller_name: "Alice",
      order_number: "A-1001",
      quantity: 3,
      delivery_date: "2026-12-01",
      phone: "+14155550123",
      size: "large",
      gift_wrap: null,
    });
    expect(r.data.missing).toEqual([]);
  });
});
