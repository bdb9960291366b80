import type { CallTurnRow } from "../../../store/repos/calls-repo.js";
import type { EventRecord } from "../../../store/repos/events-repo.js";
import { Time } from "../views/components.js";

/** Longest JSON shown inline for a tool's arguments or result; the rest is cut with a note. */
const MAX_JSON = 600;

function json(value: unknown): string {
  const text = JSON.stringify(value, null, 1) ?? "null";
  return text.length > MAX_JSON ? `${text.slice(0, MAX_JSON)}… (${text.length} characters)` : text;
}

interface ToolCall {
  name?: unknown;
  arguments?: unknown;
  result?: unknown;
}

/** What the agent's tools did on this turn: each call's name, arguments and result, as the turn stored them. */
export function ToolCalls({ t }: { t: CallTurnRow }) {
  const calls = Array.isArray(t.toolCalls) ? (t.toolCalls as ToolCall[]) : [];
  if (calls.length === 0) return null;
  return (
    <ul class="turn-extras tool-calls" aria-label="Tool calls">
      {calls.map((call) => (
        <li class="tool-call" data-tool={String(call.name)}>
          Tool <strong>{String(call.name)}</strong>
          <details>
            <summary>arguments and result</summary>
            <p>Arguments</p>
            <pre>{json(call.arguments)}</pre>
            <p>Result</p>
            <pre>{json(call.result)}</pre>
          </details>
        </li>
      ))}
    </ul>
  );
}

/** A caller turn typed on the keypad (DTMF) rather than spoken. */
export function isKeypad(t: CallTurnRow): boolean {
  return t.source === "dtmf" || t.timing?.endedBy === "dtmf";
}

interface SurveyData {
  survey?: string;
  rating?: number | null;
  comment?: string | null;
  channel?: string;
}

/** The survey answers given on this call (`survey.response` events about it). */
export function SurveyAnswers({ events }: { events: EventRecord[] }) {
  const answers = events.filter((e) => e.type === "survey.response");
  if (answers.length === 0) return null;
  return (
    <section aria-labelledby="survey-h">
      <h2 id="survey-h">Survey answers</h2>
      <ul class="survey-answers">
        {answers.map((e) => {
          const d = (e.data ?? {}) as SurveyData;
          return (
            <li data-survey={d.survey}>
              <strong>{d.survey ?? "survey"}</strong>
              {`: ${d.rating === null || d.rating === undefined ? "no rating" : `rated ${d.rating} of 5`}`}
              {d.channel ? ` by ${d.channel === "dtmf" ? "keypad" : d.channel}` : ""}
              {d.comment ? <q>{d.comment}</q> : null} <Time ms={e.createdAt} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
