import type { VoicemailDeps } from "../../../src/voicemail/deps.js";
import { describe, expect, it } from "vitest";
import { builtinTool } from "../../../src/agent/tools/builtin.js";
import type { ToolContext } from "../../../src/agent/tools/index.js";
import { callbackTimeFor } from "../../../src/agent/tools/callback-time.js";
import { CALLBACK_JOB } from "../../../src/notify/kinds.js";
import { notifySection } from "../../../src/config/sections/notify.js";
import { callbackRules, callbackTiming } from "../../../src/notify/callbacks/policy.js";
import { VoicemailsRepo } from "../../../src/store/repos/voicemails-repo.js";
import { applyRouting } from "../../../src/voicemail/routing-actions.js";
import { createTestApp, type TestApp } from "../../helpers/app.js";
import { toneWav, uploadRaw } from "../voicemail/helpers.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const none = () => 0;

/** Issue 10, item 22: callbacks people ask for follow notify.callbacks, and a delay is said, not silent. */
describe("the callback policy", () => {
  it("has its own hours (08:00-21:00 local) and no quiet days by default, unlike outreach (09:00-20:00, Sundays off)", async () => {
    const notify = notifySection.parse({});
    expect(notify.quietDays).toEqual(["sun"]);
    const london = callbackRules(notify, "Europe/London");
    // Sunday 29 Nov 2026, 10:00 in London: no outreach, but a callback someone asked for is placed.
    expect(await callbackTiming(notify, london, at("2026-11-29T10:00:00Z"), none)).toEqual({
      at: at("2026-11-29T10:00:00Z"),
      delay: null,
      why: null,
    });
    const early = await callbackTiming(notify, london, at("2026-11-25T05:00:00Z"), none);
    expect(iso(early.at)).toBe("2026-11-25T08:00:00.000Z");
    expect(early.why).toBe("05:00 is outside the callback hours 08:00-21:00 Europe/London (notify.callbacks.window)");
    expect(early.delay).toBe(`${early.why}; placed Wed 25 Nov 08:00 Europe/London`);
  });

  it("names quiet days, holidays and the daily cap when they move a callback, and lets urgent voicemails through when configured", async () => {
    const notify = notifySection.parse({
      holidays: ["2026-12-25"],
      callbacks: { quietDays: ["sun"], observeHolidays: true, anyTimeFromUrgency: 5 },
    });
    const ny = callbackRules(notify, "America/New_York");
    expect((await callbackTiming(notify, ny, at("2026-11-29T15:00:00Z"), none)).why).toBe(
      "sun is a quiet day for callbacks (notify.callbacks.quietDays)",
    );
    expect((await callbackTiming(notify, ny, at("2026-12-25T15:00:00Z"), none)).why).toBe(
      "2026-12-25 is a holiday (notify.holidays)",
    );
    const wed = at("2026-11-25T15:00:00Z");
    const capped = await callbackTiming(notify, ny, wed, (from, to) => (from <= wed && wed < to ? 3 : 0));
    expect(capped.why).toBe("this number has had 3 calls today, the most allowed (notify.maxAttemptsPerDay)");
    expect(iso(capped.at)).toBe("2026-11-26T13:00:00.000Z"); // Thursday 08:00 in New York
    // 03:00 in New York: urgency 5 is called at once, urgency 4 waits for 08:00.
    expect(
      await callbackTiming(notify, callbackRules(notify, "America/New_York", 5), at("2026-11-25T08:00:00Z"), none),
    ).toMatchObject({ at: at("2026-11-25T08:00:00Z"), delay: null });
    expect(
      iso(
        (await callbackTiming(notify, callbackRules(notify, "America/New_York", 4), at("2026-11-25T08:00:00Z"), none))
          .at,
      ),
    ).toBe("2026-11-25T13:00:00.000Z");
  });
});

async function voicemailWithCallback(t: TestApp, urgency: number): Promise<Record<string, unknown>> {
  const res = await uploadRaw(t, toneWav(urgency), { caller: "+442071230100" });
  const { voicemail } = (await res.json()) as { voicemail: { id: number } };
  const repo = new VoicemailsRepo(t.services.sql);
  const vm = { ...(await repo.get(voicemail.id))!, urgency, callbackNumber: "+442071230100" };
  const event = await t.services.bus.publish("voicemail.urgent", `voicemail:${vm.id}`, {
    voicemailId: vm.id,
    urgency,
    summary: "Burst pipe",
    callbackNumber: vm.callbackNumber,
    reason: "flooding",
  });
  // The voicemail feature's dependencies as app/ wires them (createFeatures).
  const deps: VoicemailDeps = {
    ...t.services,
    searchKnowledge: (agent, query, options) => t.services.knowledge.search(agent, query, options),
    callbackTimer: t.features.notify.callbackTimer,
    scheduleCallback: (r) => t.features.notify.scheduleCallback(r),
    deliverWebhook: (name: string, eventId: number) => t.features.webhooks.deliverTo(name, eventId),
  };
  await applyRouting(
    deps,
    vm,
    { matched: ["urgent"], actions: [{ type: "callback", inMinutes: 0, rule: "urgent" }] },
    event.id,
  );
  return (await (await t.request(`/v1/voicemails/${vm.id}`)).json()) as Record<string, unknown>;
}

describe("a voicemail's callback outside the callback hours", () => {
  it("is queued for the first allowed time and shown on the voicemail with the reason (API)", async () => {
    // Wednesday 05:00 in London.
    const t = await createTestApp({ config: { clock: { startAt: "2026-11-25T05:00:00Z" } } });
    try {
      const shown = await voicemailWithCallback(t, 5);
      expect(shown.callback).toMatchObject({
        at: "2026-11-25T08:00:00.000Z",
        delayed: true,
        delay:
          "05:00 is outside the callback hours 08:00-21:00 Europe/London (notify.callbacks.window); placed Wed 25 Nov 08:00 Europe/London",
      });
      const [job] = (await t.services.queue.list({ kind: CALLBACK_JOB })).jobs;
      expect(iso(job?.runAt ?? 0)).toBe("2026-11-25T08:00:00.000Z");
      const scheduled = (await t.services.bus.since(0, 100)).find((e) => e.type === "callback.scheduled");
      expect(scheduled?.data).toMatchObject({ delay: expect.stringContaining("outside the callback hours") });
    } finally {
      await t.close();
    }
  });

  it("is placed at once for an urgent voicemail when notify.callbacks.anyTimeFromUrgency allows it", async () => {
    const t = await createTestApp({
      config: { clock: { startAt: "2026-11-25T05:00:00Z" }, notify: { callbacks: { anyTimeFromUrgency: 5 } } },
    });
    try {
      const shown = (await voicemailWithCallback(t, 5)).callback as { at: string; delayed: boolean };
      expect(shown.delayed).toBe(false);
      expect(Math.abs(Date.parse(shown.at) - at("2026-11-25T05:00:00Z"))).toBeLessThan(60_000);
    } finally {
      await t.close();
    }
  });
});

describe("the live agent's schedule_callback", () => {
  const run = async (t: TestApp, when: string) => {
    const tool = builtinTool({ type: "builtin", name: "schedule_callback" });
    const ctx: ToolContext = {
      callId: "call-9",
      caller: "+442071230100",
      agent: t.services.agents.get("receptionist"),
      signal: new AbortController().signal,
      history: () => [],
      services: {
        timeZone: "Europe/London",
        now: () => new Date(t.services.clock.now()),
        callbackTime: callbackTimeFor((to, at) => t.features.notify.callbackTimer(to, at)),
        scheduleCallback: async (r) => ({
          jobId: (
            await t.services.queue.enqueue({
              kind: CALLBACK_JOB,
              payload: { to: r.to, agent: r.agent, topic: r.topic },
              runAt: r.when.getTime(),
            })
          ).job.id,
        }),
      },
    };
    return tool.run({ when, topic: "the boiler" }, ctx);
  };

  it("refuses 'tomorrow at ten' on a day with no callbacks and offers the first possible time instead", async () => {
    // Saturday 28 Nov 2026, 18:00 in London; callbacks configured off on Sundays.
    const t = await createTestApp({
      config: { clock: { startAt: "2026-11-28T18:00:00Z" }, notify: { callbacks: { quietDays: ["sun"] } } },
    });
    try {
      const out = await run(t, "tomorrow at 10:00");
      expect(out.after).toBeUndefined();
      expect(out.result).toEqual({
        status: "unavailable",
        error: "we cannot call back then: sun is a quiet day for callbacks (notify.callbacks.quietDays)",
        firstPossible: "2026-11-30T08:00:00.000Z",
        firstPossibleLocal: "Mon 30 Nov 08:00 Europe/London",
        instruction: "offer the caller the first possible time instead, and schedule it only if they agree",
      });
      expect((await t.services.queue.list({ kind: CALLBACK_JOB })).jobs).toEqual([]);
      const agreed = await run(t, "monday 8am");
      expect(agreed.result).toMatchObject({ status: "scheduled", when: "2026-11-30T08:00:00.000Z" });
    } finally {
      await t.close();
    }
  });

  it("schedules 'tomorrow at ten' on a Sunday under the default callback policy", async () => {
    const t = await createTestApp({ config: { clock: { startAt: "2026-11-28T18:00:00Z" } } });
    try {
      expect((await run(t, "tomorrow at 10:00")).result).toMatchObject({
        status: "scheduled",
        when: "2026-11-29T10:00:00.000Z",
      });
      expect((await run(t, "tomorrow at 7am")).result).toMatchObject({
        status: "unavailable",
        firstPossible: "2026-11-29T08:00:00.000Z",
      });
    } finally {
      await t.close();
    }
  });
});
