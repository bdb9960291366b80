import { Conversation } from "../agent/conversation/conversation.js";
import { Speaker, voiceOf } from "../agent/conversation/speaker.js";
import { liveTurnSettings } from "../agent/turn-taking/settings.js";
import type { Span } from "@opentelemetry/api";
import type { CallAudio, ConversationOutcome, TurnRecord } from "../agent/conversation/types.js";
import { recordSpan } from "../lib/tracing.js";
import { describeError } from "../lib/errors.js";
import { rtpAudio } from "./rtp-audio.js";
import type { CallsDeps } from "./deps.js";
import { CallsRepo } from "../store/repos/calls-repo.js";
import type { CallScript, ScriptedCall } from "./call-script.js";
import { callbackTimeFor } from "../agent/tools/callback-time.js";
import { SUMMARY_JOB } from "./kinds.js";
import { takeMessage } from "./message-taker.js";
import { runSurvey } from "./survey/survey.js";
import type { CallMetrics } from "./metrics.js";

/** Endings where the agent said goodbye: the caller is still there to answer a survey. */
const AGENT_ENDED = new Set(["agent_hangup", "callback_scheduled"]);

export interface LiveConversationDeps {
  services: CallsDeps;
  metrics: CallMetrics;
  /** What the agent says first (a callback names its reason); the agent's greeting otherwise. */
  greeting?: string | undefined;
}

/**
 * The live conversation as a call script: the agent talking with the caller,
 * DTMF, hold, taking a message, every turn and its latency in the call
 * record, and the call's summary queued once it is over. Runs until the call
 * ends, whoever ends it; the runner (runOnCall) closes the call.
 */
export function liveConversation(d: LiveConversationDeps): CallScript<ConversationOutcome> {
  let outcome: ConversationOutcome = "failed";
  let bargeIns = 0;
  const { services } = d;
  const repo = new CallsRepo(services.sql);
  // The turns' writes, in order, never awaited during the conversation: the reply does not wait for the store.
  let turnsWritten: Promise<void> = Promise.resolve();
  const writeTurn = (callId: number, t: TurnRecord, logger: ScriptedCall["logger"]) => {
    turnsWritten = turnsWritten
      .then(() => repo.turn(callId, t))
      .catch((err: unknown) => logger.warn({ callId, turn: t.index, err: describeError(err) }, "turn not recorded"));
  };
  return {
    source: "live",
    outcome: () => outcome,
    bargeIns: () => bargeIns,
    run: async (call) => {
      const audio = rtpAudio(call.placed.rtp, call.placed.fanout.attach());
      const result = await converse(d, call, audio, writeTurn);
      outcome = result.outcome;
      bargeIns = result.bargeIns;
      if (outcome === "message_taken") await recordMessage(services, call, audio);
      return outcome;
    },
    ended: async (callId) => {
      await turnsWritten;
      if (!(await repo.turns(callId)).some((t) => t.role === "user")) return;
      await services.queue.enqueue({
        kind: SUMMARY_JOB,
        payload: { callId },
        idempotencyKey: `call-${callId}-summary`,
      });
    },
  };
}

async function converse(
  d: LiveConversationDeps,
  call: ScriptedCall,
  audio: CallAudio,
  writeTurn: (callId: number, t: TurnRecord, logger: ScriptedCall["logger"]) => void,
): Promise<{ outcome: ConversationOutcome; bargeIns: number }> {
  const { services } = d;
  const { placed, digits } = call;
  const { call: sip, rtp, fanout, record, engines, gate } = placed;
  const agent = d.greeting ? { ...call.agent, live: { ...call.agent.live, greeting: d.greeting } } : call.agent;
  const conversation = new Conversation({
    agent,
    engines,
    audio,
    control: {
      hangup: async (reason) => {
        await rtp.idle(); // the goodbye is heard before the BYE
        const survey = agent.survey;
        if (survey?.afterCall && AGENT_ENDED.has(reason) && !sip.signal.aborted) {
          await runSurvey(
            services,
            engines,
            agent,
            survey,
            {
              speaker: new Speaker(engines.tts, audio, voiceOf(agent), services.ttsCache),
              frames: () => fanout.attach()[Symbol.asyncIterator](),
              digit: () => digits[0],
              clearDigits: () => void (digits.length = 0),
              signal: sip.signal,
            },
            record.id,
          ).catch((err: unknown) => call.logger.warn({ err: describeError(err) }, "survey failed"));
        }
        await sip.hangup();
      },
      transfer: (target) => sip.transfer(target),
    },
    toolServices: {
      outbound: services.outbound.tools,
      searchKnowledge: services.searchKnowledge,
      callbackTime: callbackTimeFor((to, at) => services.callbackTimer(to, at)),
      timeZone: services.config.calls.timeZone,
      now: () => new Date(services.clock.now()),
      scheduleCallback: async (r) => {
        // Announced (callback.scheduled) once by the notify feature: a repeated tool call finds the callback by its key.
        const { jobId } = await services.scheduleCallback({
          payload: {
            to: r.to, // the number the job dials: kept as it is
            agent: r.agent,
            ...services.privacy.scrub(agent.name, { topic: r.topic, summary: r.summary }),
            callId: record.id,
            source: "live-call",
          },
          runAt: r.when.getTime(),
          idempotencyKey: `call-${record.id}-callback`,
          reason: r.topic,
        });
        return { jobId };
      },
    },
    callId: `call-${record.id}`,
    caller: record.remoteNumber,
    logger: call.logger,
    echoMarginDb: services.config.calls.echoMarginDb,
    turn: liveTurnSettings(agent.live, services.config.calls.turn, engines.turn ?? null),
    phrases: services.ttsCache,
    greetingMadeForCall: Boolean(d.greeting),
    onSensitiveKeypad: (phase) => (phase === "start" ? gate?.pause("sensitive keypad entry") : gate?.resume()),
    onTurn: (t) => {
      writeTurn(record.id, services.privacy.scrub(agent.name, t), call.logger);
      d.metrics.turn(t);
      traceTurn(t, call.span);
    },
  });
  call.onDigit = (digit) => conversation.dtmf(digit);
  const offReinvite = sip.on("call:reinvite", (offer) => {
    // Hold and resume: follow the new remote address and direction (a held call sends nothing).
    const m = offer.media;
    rtp.update({ remoteAddress: m.remote.address, remotePort: m.remote.port, direction: m.answerDirection });
  });
  try {
    return await conversation.run(sip.signal);
  } finally {
    offReinvite();
    const withheld = gate?.spans() ?? [];
    if (withheld.length > 0) call.logger.info({ callId: record.id, withheld }, "recording withheld sensitive steps");
  }
}

/** take_message: the prompt, the tone, the caller's message into the voicemail pipeline. */
async function recordMessage(services: CallsDeps, call: ScriptedCall, audio: CallAudio): Promise<void> {
  const { placed, agent } = call;
  const speaker = new Speaker(placed.engines.tts, audio, voiceOf(agent), services.ttsCache);
  const wav = await takeMessage(audio, () => placed.fanout.attach(), {
    greet: (signal) => speaker.sayPhrase(agent.voicemail.prompt, "phrase", signal).playback.done,
    endSilenceMs: services.config.calls.message.endSilenceMs,
    maxMs: services.config.calls.message.maxMs,
    signal: placed.call.signal,
  });
  if (!wav) return;
  const { voicemailId } = await services.onMessage({
    bytes: wav,
    caller: placed.record.remoteNumber,
    callerName: null,
    mailbox: agent.voicemail.mailboxes[0] ?? null,
    agent: agent.name,
    receivedAt: services.clock.now(),
    source: "call",
  });
  await new CallsRepo(services.sql).linkVoicemail(placed.record.id, voicemailId);
}

/** A turn as a span under its call: from the caller's last word to the turn's end, with the latency stages as attributes. */
function traceTurn(t: TurnRecord, call: Span | null): void {
  if (t.role !== "agent" || !t.timing) return;
  const lead = t.timing.firstRtpMs ?? t.timing.ttsFirstAudioMs ?? 0;
  const attributes: Record<string, string | number | boolean> = {
    "turn.index": t.index,
    "turn.interrupted": t.interrupted === true,
  };
  for (const [k, v] of Object.entries(t.timing)) if (v !== null) attributes[`latency.${k}`] = v;
  recordSpan("turn", t.at - lead, t.at, attributes, call ?? undefined);
}
