import { ParleyError } from "../../lib/errors.js";
import { Speaker } from "../../agent/conversation/speaker.js";
import type { PlacingDeps } from "../outbound/deps.js";
import { runSurvey, type SurveyAnswer } from "./survey.js";
import { watchDigits } from "../call-digits.js";
import { dialTarget } from "../dial-target.js";

/** An outbound survey call: dial, say who we are, ask, record the answer, hang up. */
export async function surveyCall(services: PlacingDeps, req: { to: string; agent: string; signal: AbortSignal }): Promise<{ callId: number; answer: SurveyAnswer }> {
  if (!services.calls) throw new ParleyError("sip_disabled", "this server does not run SIP", { status: 409 });
  const agent = services.agents.get(req.agent);
  if (!agent.survey) throw new ParleyError("survey_missing", `agent '${agent.name}' defines no survey`, { status: 422 });
  const placed = await services.calls.place({ to: dialTarget(services.config, req.to), agent: agent.name, signal: req.signal, context: { source: "survey", survey: agent.survey.name } });
  const fanout = placed.fanout;
  const digits: string[] = [];
  const dtmf = watchDigits(placed.rtp, placed.call, (digit) => digits.push(digit));
  const audio = {
    frames: fanout.attach(),
    play: (s: Int16Array | AsyncIterable<Int16Array>, o?: { signal?: AbortSignal }) => placed.rtp.play(s, o),
    clearPlayback: () => placed.rtp.clearPlayback(),
    get playing() {
      return placed.rtp.playing;
    },
  };
  const speaker = new Speaker(placed.engines.tts, audio, agent.voice);
  const signal = AbortSignal.any([req.signal, placed.call.signal]);
  let answer: SurveyAnswer = { rating: null, comment: null, channel: "none" };
  try {
    await speaker.say(`Hello, this is ${agent.description || agent.name}, with a very short survey.`, signal).playback.done;
    answer = await runSurvey(services, placed.engines, agent, agent.survey, {
      speaker,
      frames: () => fanout.attach()[Symbol.asyncIterator](),
      digit: () => digits[0],
      clearDigits: () => void (digits.length = 0),
      signal,
    }, placed.record.id);
  } finally {
    await services.calls.finish(placed, `survey-${answer.channel}`);
    await dtmf.catch(() => undefined);
    await fanout.finished().catch(() => undefined);
  }
  return { callId: placed.record.id, answer };
}
