import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { generatedModel } from "../../helpers/models.js";
import { fliteMissing, speechWavBytes } from "../../helpers/speech.js";
import { startReceiver, type Receiver } from "../api/webhook-receiver.js";
import { waitFor } from "../jobs/helpers.js";
import { eventsOf, getJson, jobsOf, settled, upload, type VoicemailJson } from "./helpers.js";

// A scripted LLM that answers the receptionist's form prompt (it says "form") like a real model would,
// leaving out the order number and giving a date the form cannot take (the JSON grammar cannot stop
// that: it is a string; an enum value outside the list it does stop); and answers the voicemail prompt with JSON the schema's validator
// refuses (urgency 9), as a small model sometimes does.
const FORM_REPLY =
  '{"summary": "Alice orders three large items.", "caller_name": "Alice", "order_number": null, "quantity": 3, ' +
  '"delivery_date": "next friday", "phone": "415 555 0123", "size": "large", "gift_wrap": true}';
const INVALID_TRIAGE =
  '{"summary": "Alice called about her order.", "caller_name": "Alice", "callback_number": "", "category": "orders", ' +
  '"tags": ["order"], "urgency": 9, "urgency_reason": "none", "sentiment": "neutral", "action": "none"}';

describe.skipIf(fliteMissing)("voice forms and LLM output that fails validation", () => {
  let t: TestApp;
  let rx: Receiver;
  beforeAll(async () => {
    const llm = await generatedModel(
      "tiny-llm",
      {
        rules: [
          { triggers: ["form"], reply: FORM_REPLY },
          { triggers: ["transcript"], reply: INVALID_TRIAGE },
        ],
      },
      "-form-invalid",
    );
    t = await createTestApp({
      engines: { profile: "tiny", llm },
      config: { webhooks: { allowHosts: ["127.0.0.1"] }, jobs: { kinds: { "voicemail.process": { maxAttempts: 2 } } } },
    });
    rx = await startReceiver();
    t.startWorker();
  });
  afterAll(async () => {
    await t?.close();
    await rx?.close();
  });

  it("reads a message on the receptionist's `orders` mailbox as its form: values, missing and invalid fields, form.submitted", async () => {
    const hook = await t.request("/v1/webhooks", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "crm", url: rx.url("/crm"), events: ["form.submitted"] }),
    });
    expect(hook.status).toBe(201);
    const uploaded = await upload(
      t,
      speechWavBytes("Hi, this is Alice, I would like three large ones delivered on December first."),
      { mailbox: "orders", caller: "+14155550123" },
    );
    expect(uploaded).toMatchObject({ kind: "form", agent: "receptionist" });
    const v = await settled(t, uploaded.id);
    expect(v).toMatchObject({
      status: "processed",
      kind: "form",
      summary: "Alice orders three large items.",
      urgency: null,
      category: null,
    });
    expect(v.form).toEqual({
      summary: "Alice orders three large items.",
      values: {
        caller_name: "Alice",
        order_number: null,
        quantity: 3,
        delivery_date: null,
        phone: "+14155550123",
        size: "large",
        gift_wrap: true,
      },
      missing: ["order_number"],
      invalid: [{ field: "delivery_date", value: "next friday", reason: "not a date as YYYY-MM-DD" }],
    });
    const submitted = (await eventsOf(t, "form.submitted")).filter((e) => e.subject === `voicemail:${v.id}`);
    expect(submitted.map((e) => e.data)).toEqual([
      { voicemailId: v.id, agent: "receptionist", values: v.form?.values, missing: ["order_number"] },
    ]);
    await waitFor(() => rx.to("/crm").length > 0, "the form delivered to the CRM webhook");
    expect(JSON.parse(rx.to("/crm")[0]?.body ?? "")).toMatchObject({
      type: "form.submitted",
      data: { voicemailId: v.id, missing: ["order_number"] },
    });
    // Listed with the kind filter.
    const forms = await getJson<{ items: VoicemailJson[] }>(t, "/v1/voicemails?kind=form");
    expect(forms.items.map((i) => i.id)).toEqual([v.id]);
  });

  it("retries an extraction the validator refuses, then dead-letters it with the reason; the message is failed, its audio kept", async () => {
    const uploaded = await upload(t, speechWavBytes("Hello, this is Alice about my order."), { mailbox: "100" });
    const v = await waitFor(
      async () => {
        const got = await getJson<VoicemailJson>(t, `/v1/voicemails/${uploaded.id}`);
        return got.status === "failed" ? got : null;
      },
      "the message to fail",
      20_000,
      25,
    );
    expect(v.error).toMatch(/^the model's reply failed validation: urgency: urgency must be 1\.\.5/);
    expect(v.urgency).toBeNull();

    const [job] = (await jobsOf(t, "voicemail.process")).filter((j) => j.id === v.jobId);
    expect(job).toMatchObject({ status: "dead", attempts: 2 });
    expect(job?.lastError).toMatchObject({
      code: "extraction_invalid",
      retryable: true,
      message: v.error,
    });
    const trail = await getJson<{ events: Array<{ type: string }> }>(t, `/v1/jobs/${v.jobId}`);
    expect(trail.events.map((e) => e.type)).toEqual(["enqueued", "claimed", "failed", "claimed", "dead"]);
    expect((await eventsOf(t, "job.dead")).map((e) => e.data)).toEqual([
      expect.objectContaining({ jobId: v.jobId, kind: "voicemail.process", attempts: 2, error: v.error }),
    ]);

    const audio = await t.request(v.audioUrl);
    expect(audio.status).toBe(200);
    expect(
      Buffer.from(await audio.arrayBuffer())
        .subarray(0, 4)
        .toString("ascii"),
    ).toBe("RIFF");
  });
});
