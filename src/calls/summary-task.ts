import { z } from "zod";
import { extractVoicemail } from "../agent/extraction/extract.js";
import type { TaskDefinition } from "../jobs/index.js";
import type { CallsDeps } from "./deps.js";
import { CallsRepo } from "../store/repos/calls-repo.js";

const payload = z.object({ callId: z.number().int().positive() });

/**
 * call.summarize: after a live call, the same extraction as a voicemail
 * (summary, caller, callback number, category, urgency, action) over the
 * call's transcript, stored with the call.
 */
export function summaryTask(services: CallsDeps): TaskDefinition<z.infer<typeof payload>, unknown> {
  const repo = new CallsRepo(services.sql);
  return {
    parsePayload: (raw) => payload.parse(raw),
    inference: true,
    timeoutMs: 5 * 60_000,
    run: async (p, helpers) => {
      const call = await repo.get(p.callId);
      if (!call) return { callId: p.callId, skipped: "deleted" };
      const transcript = (await repo.turns(call.id))
        .filter((t) => t.text)
        .map((t) => `${t.role === "user" ? "Caller" : "Agent"}: ${t.text}`)
        .join("\n");
      const agent = services.agents.find(call.agent)?.agent ?? services.agents.get(services.config.agents.default);
      const engines = await services.engines.whenReady(helpers.signal, agent.language);
      const x = await extractVoicemail(
        engines.llm,
        agent,
        transcript,
        { caller: call.remoteNumber, receivedAt: new Date(call.startedAt).toISOString() },
        {
          signal: helpers.signal,
          defaultCountryCode: services.config.voicemail.defaultCountryCode,
        },
      );
      await repo.setSummary(call.id, services.privacy.scrub(call.agent, { ...x.data, usage: x.usage }));
      return { callId: call.id, urgency: x.data.urgency };
    },
  };
}
