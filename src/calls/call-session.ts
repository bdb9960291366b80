import { Conversation } from "../agent/conversation/conversation.js";
import { Speaker } from "../agent/conversation/speaker.js";
import { liveTurnSettings } from "../agent/turn-taking/settings.js";
import type { Span } from "@opentelemetry/api";
import type { CallAudio, ConversationOutcome, TurnRecord } from "../agent/conversation/types.js";
import { inSpan, recordSpan } from "../lib/tracing.js";
import type { AgentDefinition } from "../agent/definition.js";
import type { EngineSet } from "../engines/types.js";
import { describeError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { RtpSession } from "../rtp/index.js";
import type { CallsDeps } from "./deps.js";
import type { SipCall } from "../sip/index.js";
import { CallsRepo, type CallRecord } from "../store/repos/calls-repo.js";
import { watchDigits } from "./call-digits.js";
import { callbackTimeFor } from "./callback-time.js";
import { SUMMARY_JOB } from "./kinds.js";
import type { FrameFanout } from "./frame-fanout.js";
import { takeMessage } from "./message-taker.js";
import { runSurvey } from "./survey/survey.js";
import type { CallMetrics } from "./metrics.js";
import type { CallRecorder } from "./recorder.js";

/** Endings where the agent said goodbye: the caller is still there to answer a survey. */
const AGENT_ENDED = new Set(["agent_hangup", "callback_scheduled"]);

export interface CallSessionDeps {
  services: CallsDeps;
  engines: EngineSet;
  agent: AgentDefinition;
  sip: SipCall;
  rtp: RtpSession;
  fanout: FrameFanout;
  recorder: CallRecorder | null;
  record: CallRecord;
  metrics: CallMetrics;
  logger: Logger;
}

/**
 * One answered call, from the first RTP packet to the last row written: the
 * conversation, DTMF, hold, taking a message, and the call record with every
 * turn and its latency. Runs until the call ends, whoever ends it.
 */
export async function runCallSession(d: CallSessionDeps): Promise<ConversationOutcome> {
  return inSpan(
    `call ${d.sip.direction}`,
    { "call.id": d.record.id, "call.agent": d.agent.name, "call.direction": d.sip.direction },
    async (span) => {
      const outcome = await runTraced(d, span);
      span.setAttribute("call.outcome", outcome);
      return outcome;
    },
  );
}

async function runTraced(d: CallSessionDeps, span: Span): Promise<ConversationOutcome> {
  const { services, sip, rtp } = d;
  const repo = new CallsRepo(services.db);
  const audio = rtpAudio(rtp, d.fanout.attach());
  const digits: string[] = [];
  const conversation = new Conversation({
    agent: d.agent,
    engines: d.engines,
    audio,
    control: {
      hangup: async (reason) => {
        await rtp.idle(); // the goodbye is heard before the BYE
        const survey = d.agent.survey;
        if (survey?.afterCall && AGENT_ENDED.has(reason) && !sip.signal.aborted) {
          await runSurvey(
            services,
            d.engines,
            d.agent,
            survey,
            {
              speaker: new Speaker(d.engines.tts, audio, d.agent.voice),
              frames: () => d.fanout.attach()[Symbol.asyncIterator](),
              digit: () => digits[0],
              clearDigits: () => void (digits.length = 0),
              signal: sip.signal,
            },
            d.record.id,
          ).catch((err: unknown) => d.logger.warn({ err: describeError(err) }, "survey failed"));
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
        const { job } = await services.queue.enqueue({
          kind: "callback.place", // run by the notify feature (declared in notify/kinds.ts)
          payload: {
            to: r.to,
            agent: r.agent,
            topic: r.topic,
            summary: r.summary,
            callId: d.record.id,
            source: "live-call",
          },
          runAt: r.when.getTime(),
          idempotencyKey: `call-${d.record.id}-callback`,
        });
        services.bus.publish("callback.scheduled", `call:${d.record.id}`, {
          jobId: job.id,
          to: r.to,
          runAt: r.when.getTime(),
          reason: r.topic,
        });
        return { jobId: job.id };
      },
    },
    callId: `call-${d.record.id}`,
    caller: d.record.remoteNumber,
    logger: d.logger,
    echoMarginDb: services.config.calls.echoMarginDb,
    turn: liveTurnSettings(d.agent.live, services.config.calls.turn, d.engines.turn ?? null),
    onTurn: (t) => {
      repo.turn(d.record.id, t);
      d.metrics.turn(t);
      traceTurn(t, span);
    },
  });
  let mediaFailed = false;
  const dtmf = watchDigits(rtp, sip, (digit) => {
    digits.push(digit);
    conversation.dtmf(digit);
  }).catch(async (err: unknown) => {
    // The call's media is gone (its thread died): the caller can hear nothing more. End the call, loudly.
    mediaFailed = true;
    d.logger.error({ callId: d.record.id, err: describeError(err) }, "call media failed: hanging up");
    if (!sip.signal.aborted) await sip.hangup().catch(() => undefined);
  });
  const offReinvite = sip.on("call:reinvite", (offer) => {
    // Hold and resume: follow the new remote address and direction (a held call sends nothing).
    const m = offer.media;
    rtp.update({ remoteAddress: m.remote.address, remotePort: m.remote.port, direction: m.answerDirection });
  });
  let outcome: ConversationOutcome = "failed";
  let bargeIns = 0;
  try {
    const result = await conversation.run(sip.signal);
    outcome = mediaFailed ? "failed" : result.outcome;
    bargeIns = result.bargeIns;
    if (outcome === "message_taken") await recordMessage(d, audio);
  } catch (err) {
    d.logger.error({ callId: d.record.id, err: describeError(err) }, "call failed");
  } finally {
    offReinvite();
    if (!sip.signal.aborted) await sip.hangup();
    const stats = await rtp.close();
    await dtmf;
    await d.fanout.finished().catch(() => undefined);
    const recording = d.recorder ? await d.recorder.close().catch(() => null) : null;
    repo.end(d.record.id, {
      endedAt: services.clock.now(),
      outcome,
      recordingPath: recording?.path ?? null,
      rtpStats: stats,
    });
    d.metrics.ended(sip.direction, outcome, { bargeIns, underruns: stats.underruns, late: stats.late }, stats);
    if (repo.turns(d.record.id).some((t) => t.role === "user")) {
      await services.queue.enqueue({
        kind: SUMMARY_JOB,
        payload: { callId: d.record.id },
        idempotencyKey: `call-${d.record.id}-summary`,
      });
    }
  }
  return outcome;
}

/** take_message: the prompt, the tone, the caller's message into the voicemail pipeline. */
async function recordMessage(d: CallSessionDeps, audio: CallAudio): Promise<void> {
  const wav = await takeMessage(new Speaker(d.engines.tts, audio, d.agent.voice), audio, () => d.fanout.attach(), {
    prompt: d.agent.voicemail.prompt,
    endSilenceMs: d.services.config.calls.message.endSilenceMs,
    maxMs: d.services.config.calls.message.maxMs,
    signal: d.sip.signal,
  });
  if (!wav) return;
  const { voicemailId } = await d.services.onMessage({
    bytes: wav,
    caller: d.record.remoteNumber,
    mailbox: d.agent.voicemail.mailboxes[0] ?? null,
    agent: d.agent.name,
    receivedAt: d.services.clock.now(),
  });
  new CallsRepo(d.services.db).linkVoicemail(d.record.id, voicemailId);
}

/** The call's RTP session as the conversation sees it: caller frames in, agent audio out. */
function rtpAudio(rtp: RtpSession, frames: CallAudio["frames"]): CallAudio {
  return {
    frames,
    play: (source, o) => rtp.play(source, o),
    clearPlayback: () => rtp.clearPlayback(),
    get playing() {
      return rtp.playing;
    },
    get inputDelayMs() {
      return rtp.inputDelayMs;
    },
  };
}

/** A turn as a span under its call: from the caller's last word to the turn's end, with the latency stages as attributes. */
function traceTurn(t: TurnRecord, call: Span): void {
  if (t.role !== "agent" || !t.timing) return;
  const lead = t.timing.firstRtpMs ?? t.timing.ttsFirstAudioMs ?? 0;
  const attributes: Record<string, string | number | boolean> = {
    "turn.index": t.index,
    "turn.interrupted": t.interrupted === true,
  };
  for (const [k, v] of Object.entries(t.timing)) if (v !== null) attributes[`latency.${k}`] = v;
  recordSpan("turn", t.at - lead, t.at, attributes, call);
}
