import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { generatedModel } from "../../helpers/models.js";
import { fliteMissing, speechWavBytes } from "../../helpers/speech.js";
import { settled, upload } from "../voicemail/helpers.js";

/**
 * Voicemail extraction reads the agent's knowledge base: the passages that
 * match the transcript go into the extraction prompt. The scripted LLM
 * answers one way when a word found only in the FAQ ("cellar") is in its
 * prompt, another way otherwise; the same message is processed with and
 * without the document.
 */
const triage = (summary: string) =>
  `{"summary": "${summary}", "caller_name": "Alice", "callback_number": "+14155550123", "category": "emergency", ` +
  '"tags": ["flooding"], "urgency": 5, "urgency_reason": "Water damage.", "sentiment": "negative", "action": "escalate"}';
const WITH_FAQ = "Alice has a flooded cellar; the on-call plumber is due within two hours.";
const WITHOUT = "Alice reports flooding and needs help.";
const FAQ =
  "# Emergencies\n\n## What if my basement is flooding?\n\nA flooded basement or cellar is an emergency: the on-call plumber comes within two hours.\n\n" +
  "## Do you fit boilers?\n\nWe fit and service gas boilers from all makers.\n";

describe.skipIf(fliteMissing)("knowledge as context for voicemail extraction", () => {
  let t: TestApp;
  beforeAll(async () => {
    const llm = await generatedModel(
      "tiny-llm",
      {
        rules: [
          { triggers: ["cellar"], reply: triage(WITH_FAQ) },
          { triggers: ["transcript"], reply: triage(WITHOUT) },
        ],
      },
      "-knowledge-context",
    );
    t = await createTestApp({ engines: { profile: "tiny", llm } });
    t.startWorker();
  });
  afterAll(async () => t?.close());

  it("puts the passages matching the transcript into the extraction prompt", async () => {
    const message = speechWavBytes("Hello, this is Alice. It is urgent, the basement is flooding.");
    const before = await settled(t, (await upload(t, message, { caller: "+14155550123" })).id);
    expect(before.summary).toBe(WITHOUT);

    await t.services.knowledge.addDocument("receptionist", { name: "emergencies.md", data: FAQ });
    // Another recording (the same bytes would be a duplicate upload), the same transcript from the scripted recogniser.
    const second = speechWavBytes("Hello, this is Alice again. It is urgent, the basement is flooding.");
    const after = await settled(t, (await upload(t, second, { caller: "+14155550123" })).id);
    expect(after.summary).toBe(WITH_FAQ);
  });
});
