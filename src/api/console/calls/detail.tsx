import type { CallRecord, CallTurnRow } from "../../../store/repos/calls-repo.js";
import { Facts, formatDuration, Time } from "../views/components.js";
import { Waterfall } from "./waterfall.js";
import type { EventRecord } from "../../../store/repos/events-repo.js";
import { isKeypad, SurveyAnswers, ToolCalls } from "./turn-extras.js";

interface CallSummary {
  summary?: string;
  urgency?: number;
  category?: string;
  action?: string;
}

/** One call: facts, the recording, the latency waterfall of its replies, and the transcript. */
export function CallBody(p: { call: CallRecord; turns: CallTurnRow[]; events?: EventRecord[] }) {
  const { call } = p;
  const summary = (call.summary ?? null) as CallSummary | null;
  const rtp = (call.rtpStats ?? null) as Record<string, unknown> | null;
  const replies = p.turns.filter(
    (t) => t.role === "agent" && t.timing && Object.values(t.timing).some((v) => v !== null),
  );
  return (
    <>
      <p>
        <a href="/console/calls">All calls</a>
      </p>
      <div class="two-col">
        <section aria-labelledby="facts-h">
          <h2 id="facts-h">Call</h2>
          <Facts
            items={[
              ["Direction", call.direction],
              ["Number", call.remoteNumber],
              ["From", call.fromUri],
              ["To", call.toUri],
              ["Agent", call.agent],
              ["Started", <Time ms={call.startedAt} />],
              ["Answered", call.answeredAt ? <Time ms={call.answeredAt} /> : null],
              ["Length", formatDuration(call.endedAt && call.answeredAt ? call.endedAt - call.answeredAt : null)],
              ["Outcome", call.outcome ?? "in progress"],
              [
                "Callback",
                call.outcome === "callback_scheduled" ? (
                  <a href={`/console/callbacks?call=${call.id}`}>the callback promised on this call</a>
                ) : null,
              ],
              ["Summary", summary?.summary],
              ["Urgency", summary?.urgency === undefined ? null : `${summary.urgency} of 5`],
              ["Suggested action", summary?.action],
              [
                "Message left",
                call.voicemailId ? (
                  <a
                    href={`/console/inbox?status=all&selected=${call.voicemailId}`}
                  >{`voicemail #${call.voicemailId}`}</a>
                ) : null,
              ],
            ]}
          />
        </section>
        <section aria-labelledby="rec-h">
          <h2 id="rec-h">Recording</h2>
          {call.recordingPath ? (
            <div class="player">
              <audio
                controls
                preload="none"
                src={`/console/calls/${call.id}/recording`}
                aria-label={`Recording of call ${call.id}`}
              ></audio>
              <a href={`/console/calls/${call.id}/recording`} download={`call-${call.id}.wav`}>
                Download
              </a>
              <p class="hint">Stereo: the caller on the left, the agent on the right.</p>
            </div>
          ) : (
            <p class="empty">
              Not recorded (set <code>calls.recordAll</code> or the agent's recording option).
            </p>
          )}
          {rtp ? (
            <Facts
              items={[
                ["Codec", rtp.codec as string | null],
                ["Packets in / out", `${String(rtp.packetsIn ?? "-")} / ${String(rtp.packetsOut ?? "-")}`],
                ["Lost / late", `${String(rtp.lost ?? "-")} / ${String(rtp.late ?? "-")}`],
                ["Jitter", rtp.jitterMs === undefined ? null : `${String(rtp.jitterMs)} ms`],
                ["Underruns", rtp.underruns as number | undefined],
              ]}
            />
          ) : null}
        </section>
      </div>
      <section aria-labelledby="wf-h">
        <h2 id="wf-h">Latency waterfall</h2>
        {replies.length ? (
          <Waterfall rows={replies.map((t) => ({ label: `Reply ${t.idx}`, timing: t.timing! }))} />
        ) : (
          <p class="empty">No timed replies in this call (greetings and prompts are not timed).</p>
        )}
      </section>
      <section aria-labelledby="tr-h">
        <h2 id="tr-h">Transcript</h2>
        <ol class="transcript-turns">
          {p.turns.map((t) => (
            <li class={`turn ${t.role}`}>
              <span class="who">{t.role === "user" ? "Caller" : "Agent"}</span>
              {isKeypad(t) ? (
                <span class="tag" data-keypad>
                  keypad
                </span>
              ) : t.source && t.source !== "speech" ? (
                <span class="tag">{t.source}</span>
              ) : null}
              {t.interrupted ? <span class="tag warn">interrupted</span> : null}
              {t.failed ? (
                <span
                  class="tag warn"
                  title={t.failure?.message ?? ""}
                >{`failed: ${t.failure?.stage ?? "unknown"}`}</span>
              ) : null}
              {t.contextFit?.trimmed ? (
                <span class="tag" title={`${t.contextFit.trimmed.tokensBefore} -> ${t.contextFit.promptTokens} tokens`}>
                  history trimmed
                </span>
              ) : null}
              <span class="text">{t.text}</span>
              {t.role === "agent" && t.timing?.firstRtpMs != null ? (
                <span class="lat">{`${Math.round(t.timing.firstRtpMs)} ms`}</span>
              ) : null}
              <ToolCalls t={t} />
              {t.sources?.length ? (
                <ul class="sources" aria-label="Sources from the knowledge base">
                  {t.sources.map((s) => (
                    <li
                      title={s.excerpt}
                    >{`${s.document} (v${s.version}, part ${s.position + 1}): ${s.heading || s.excerpt.slice(0, 80)}`}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
      <SurveyAnswers events={p.events ?? []} />
    </>
  );
}
