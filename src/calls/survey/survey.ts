import { z } from "zod";
import type { Frame } from "../../audio/index.js";
import { int16ToFloat32, Resampler, rmsDbfs } from "../../audio/index.js";
import type { Speaker } from "../../agent/conversation/speaker.js";
import type { AgentDefinition, SurveyDefinition } from "../../agent/definition.js";
import type { EngineSet, LlmEngine } from "../../engines/types.js";
import { SurveyResultsRepo } from "../../store/repos/survey-results-repo.js";
import type { CallsDeps } from "../deps.js";

export interface SurveyAnswer {
  rating: number | null;
  comment: string | null;
  channel: "dtmf" | "voice" | "none";
}

export interface SurveyIo {
  speaker: Speaker;
  /** Caller frames from now on. */
  frames: () => AsyncIterator<Frame>;
  /** The first keypad digit pressed since the prompt, if any. */
  digit: () => string | undefined;
  clearDigits: () => void;
  signal: AbortSignal;
}

const ANSWER_WAIT_MS = 8000;
const SPEECH_DBFS = -40;
const END_SILENCE_MS = 1500;
const MAX_SPEECH_MS = 20_000;

/**
 * A short CSAT: "rate us 1 to 5, or leave a short note". A key 1-5 is the
 * rating; speech is recorded until the caller stops, transcribed, and the
 * rating and comment read from it by the LLM under a JSON schema. The answer
 * is published as a `survey.response` event and stored in `survey_responses`
 * (the listing and aggregates read the table).
 */
export async function runSurvey(
  services: Pick<CallsDeps, "bus" | "privacy" | "sql">,
  engines: EngineSet,
  agent: AgentDefinition,
  survey: SurveyDefinition,
  io: SurveyIo,
  callId: number | null,
): Promise<SurveyAnswer> {
  io.clearDigits();
  await io.speaker.sayPhrase(survey.prompt, "phrase", io.signal).playback.done;
  const answer = await listen(engines, io, agent.language);
  const read: SurveyAnswer =
    answer.channel === "voice" && answer.comment !== null
      ? await readVoiceAnswer(engines.llm, answer.comment, io.signal)
      : answer;
  // The comment is the caller's own words: masked under the agent's rules before it is published (stored as the
  // survey.response event, sent to webhooks) or handed back to the API.
  const published: SurveyAnswer = { ...read, comment: services.privacy.scrub(agent.name, read.comment) };
  // Stored as published (masked), with its event in one transaction (an answer is never without its event, nor
  // the event without its row): with store.url, in the store every node lists the answers from.
  await services.sql.transaction(async (tx) => {
    const event = await services.bus.publish(
      "survey.response",
      callId ? `call:${callId}` : null,
      { survey: survey.name, agent: agent.name, callId, ...published },
      tx,
    );
    const d = event.data;
    await new SurveyResultsRepo(services.sql).record(
      {
        survey: d.survey,
        agent: d.agent,
        callId: d.callId,
        rating: d.rating,
        comment: d.comment,
        channel: d.channel,
        eventId: event.id,
        at: event.createdAt,
      },
      tx,
    );
  });
  services.bus.committed();
  if (!io.signal.aborted) await io.speaker.sayPhrase(survey.thanks, "phrase", io.signal).playback.done;
  return published;
}

/** A digit, or a spoken answer (transcribed), or nothing. */
async function listen(engines: EngineSet, io: SurveyIo, language: string): Promise<SurveyAnswer> {
  const it = io.frames();
  const pcm: Int16Array[] = [];
  let spoke = false;
  let quietMs = 0;
  let totalMs = 0;
  while (!io.signal.aborted) {
    const d = io.digit();
    if (d && /^[1-5]$/.test(d)) return { rating: Number(d), comment: null, channel: "dtmf" };
    const r = await it.next();
    if (r.done) break;
    totalMs += 20;
    const loud = rmsDbfs(r.value.pcm) > SPEECH_DBFS;
    if (loud) spoke = true;
    if (spoke) {
      pcm.push(r.value.pcm);
      quietMs = loud ? 0 : quietMs + 20;
      if (quietMs >= END_SILENCE_MS || pcm.length * 20 >= MAX_SPEECH_MS) break;
    } else if (totalMs >= ANSWER_WAIT_MS) break;
  }
  if (!spoke) return { rating: null, comment: null, channel: "none" };
  const joined = new Int16Array(pcm.reduce((n, p) => n + p.length, 0));
  pcm.reduce((at, p) => (joined.set(p, at), at + p.length), 0);
  const samples = int16ToFloat32(joined);
  const up = new Resampler(8000, engines.asrBatch.sampleRate).process(samples);
  const t = await engines.asrBatch.transcribe(
    { samples: up, sampleRate: engines.asrBatch.sampleRate },
    { signal: io.signal, language },
  );
  return { rating: null, comment: t.text || null, channel: "voice" };
}

const answerSchema = {
  type: "object",
  properties: { rating: { type: "integer" }, comment: { type: "string" } },
  required: ["rating", "comment"],
};
const answerValidator = z.object({ rating: z.number().int().min(0).max(5), comment: z.string() });

/** "Pretty good, four, the wait was long" -> rating 4, comment "the wait was long". */
async function readVoiceAnswer(llm: LlmEngine, said: string, signal: AbortSignal): Promise<SurveyAnswer> {
  let raw = "";
  const messages = [
    {
      role: "system" as const,
      content:
        "A customer answered a satisfaction survey on the phone. Reply with JSON: rating, the number from 1 to 5 they gave (0 if none), and comment, their words about the service (empty if none).",
    },
    { role: "user" as const, content: `The customer said: ${said}` },
  ];
  for await (const d of llm.chat(messages, { signal, schema: answerSchema, maxTokens: 200, temperature: 0 }))
    if (d.type === "text") raw += d.text;
  try {
    const v = answerValidator.parse(JSON.parse(raw));
    return { rating: v.rating >= 1 ? v.rating : null, comment: v.comment || said, channel: "voice" };
  } catch {
    // An answer we cannot read is still kept, as what was said.
    return { rating: null, comment: said, channel: "voice" };
  }
}
