import { phrasesFor } from "../../agent/phrases/index.js";
import { ParleyError } from "../../lib/errors.js";
import { Speaker, voiceOf } from "../../agent/conversation/speaker.js";
import type { PlacingDeps } from "../outbound/deps.js";
import { runSurvey, type SurveyAnswer } from "./survey.js";
import { runCallScript, type CallScript } from "../call-script.js";
import { dialTarget } from "../dial-target.js";

/** An outbound survey call: dial, say who we are, ask, record the answer, hang up. */
export async function surveyCall(
  services: PlacingDeps,
  req: { to: string; agent: string; signal: AbortSignal },
): Promise<{ callId: number; answer: SurveyAnswer }> {
  if (!services.calls) throw new ParleyError("sip_disabled", "this server does not run SIP", { status: 409 });
  const agent = services.agents.get(req.agent);
  if (!agent.survey)
    throw new ParleyError("survey_missing", `agent '${agent.name}' defines no survey`, { status: 422 });
  const survey = agent.survey;
  let answer: SurveyAnswer = { rating: null, comment: null, channel: "none" };
  const script: CallScript<SurveyAnswer> = {
    source: "survey",
    outcome: () => `survey-${answer.channel}`,
    run: async ({ placed, digits, signal }) => {
      const fanout = placed.fanout;
      const audio = {
        frames: fanout.attach(),
        play: (s: Int16Array | AsyncIterable<Int16Array>, o?: { signal?: AbortSignal }) => placed.rtp.play(s, o),
        clearPlayback: () => placed.rtp.clearPlayback(),
        get playing() {
          return placed.rtp.playing;
        },
      };
      const speaker = new Speaker(placed.engines.tts, audio, voiceOf(agent), services.ttsCache);
      const intro = phrasesFor(agent.language).survey.intro(agent.description || agent.name);
      await speaker.sayPhrase(intro, "phrase", signal).playback.done;
      answer = await runSurvey(
        services,
        placed.engines,
        agent,
        survey,
        {
          speaker,
          frames: () => fanout.attach()[Symbol.asyncIterator](),
          digit: () => digits[0],
          clearDigits: () => void (digits.length = 0),
          signal,
        },
        placed.record.id,
      );
      return answer;
    },
  };
  const { placed } = await runCallScript(
    services.calls,
    {
      to: dialTarget(services.config, req.to),
      agent: agent.name,
      signal: req.signal,
      context: { survey: survey.name },
    },
    script,
  );
  return { callId: placed.record.id, answer };
}
