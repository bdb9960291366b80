import type { TurnTiming } from "../../../agent/conversation/types.js";

/** The latency stages of a turn, each measured from the caller's last word, in the order they happen. */
export const STAGES = [
  { key: "endpointMs", label: "Endpoint", long: "end of turn detected (silence waited)", color: "#56B4E9" },
  { key: "asrFinalMs", label: "ASR", long: "final transcript", color: "#009E73" },
  { key: "llmFirstTokenMs", label: "LLM", long: "first token of the reply", color: "#E69F00" },
  { key: "ttsFirstAudioMs", label: "TTS", long: "first audio synthesised", color: "#CC79A7" },
  { key: "firstRtpMs", label: "First RTP", long: "first packet of the reply on the wire", color: "#0072B2" },
] as const satisfies readonly { key: keyof TurnTiming; label: string; long: string; color: string }[];

export interface WaterfallRow {
  label: string;
  timing: TurnTiming;
}

const ROW = 30;
const LABEL_W = 120;
const CHART_W = 600;
const TOP = 24;

/** 100, 200, 250, 500, 1000, 2000... ms: the axis ends on a round number above the slowest turn. */
function niceMax(ms: number): number {
  const steps = [100, 200, 250, 500];
  for (let scale = 1; ; scale *= 10) for (const s of steps) if (s * scale >= ms) return s * scale;
}

/** Bars of one turn: each stage from where the previous one ended (stages that did not happen are skipped). */
export function segments(t: TurnTiming): { stage: (typeof STAGES)[number]; from: number; to: number; at: number }[] {
  const out = [];
  let prev = 0;
  for (const stage of STAGES) {
    const at = t[stage.key];
    if (at === null || at === undefined) continue;
    out.push({ stage, from: prev, to: Math.max(prev, at), at });
    prev = Math.max(prev, at);
  }
  return out;
}

/**
 * A per-turn latency waterfall as inline SVG (presentation attributes only,
 * so the console's CSP needs no inline styles): one row per agent reply, the
 * 500 ms target as a dashed line, every bar titled with its figure, and the
 * same numbers in a table for screen readers and copying.
 */
export function Waterfall(p: { rows: WaterfallRow[]; targetMs?: number }) {
  const target = p.targetMs ?? 500;
  const slowest = Math.max(target, ...p.rows.flatMap((r) => segments(r.timing).map((s) => s.to)));
  const max = niceMax(slowest);
  const x = (ms: number) => LABEL_W + (ms / max) * CHART_W;
  const height = TOP + p.rows.length * ROW + 10;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(f * max));
  return (
    <figure class="waterfall">
      <ul class="legend" aria-label="Stages">
        {STAGES.map((s) => (
          <li>
            <svg width="12" height="12" aria-hidden="true">
              <rect width="12" height="12" fill={s.color} />
            </svg>{" "}
            {s.label}: {s.long}
          </li>
        ))}
        <li>
          <svg width="14" height="12" aria-hidden="true">
            <line x1="7" x2="7" y1="0" y2="12" stroke="#b00020" stroke-width="2" stroke-dasharray="3 2" />
          </svg>{" "}
          {`the ${target} ms target`}
        </li>
      </ul>
      <svg
        viewBox={`0 0 ${LABEL_W + CHART_W + 40} ${height}`}
        role="img"
        aria-labelledby="wf-title"
        class="wf-svg"
        data-turns={p.rows.length}
      >
        <title id="wf-title">
          Latency of each agent reply from the caller's last word, in milliseconds; the dashed line is the {target} ms
          target
        </title>
        {ticks.map((t) => (
          <g>
            <line x1={x(t)} x2={x(t)} y1={TOP - 6} y2={height - 10} stroke="#c8ccd2" stroke-width="1" />
            <text x={x(t)} y={TOP - 10} font-size="11" text-anchor="middle" fill="#3b4350">{`${t} ms`}</text>
          </g>
        ))}
        {p.rows.map((r, i) => {
          const y = TOP + i * ROW + 4;
          return (
            <g class="wf-row" data-row={i}>
              <text x={LABEL_W - 8} y={y + 15} font-size="12" text-anchor="end" fill="#1d232c">
                {r.label}
              </text>
              {segments(r.timing).map((s) => (
                <rect
                  class="wf-bar"
                  data-stage={s.stage.key}
                  x={x(s.from)}
                  y={y}
                  width={Math.max(1, x(s.to) - x(s.from))}
                  height={ROW - 10}
                  fill={s.stage.color}
                >
                  <title>{`${s.stage.label}: ${Math.round(s.at)} ms from the caller's last word`}</title>
                </rect>
              ))}
            </g>
          );
        })}
        <line
          x1={x(target)}
          x2={x(target)}
          y1={TOP - 6}
          y2={height - 10}
          stroke="#b00020"
          stroke-width="2"
          stroke-dasharray="5 4"
        />
      </svg>
      <figcaption>
        <details>
          <summary>Numbers (ms from the caller's last word)</summary>
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Reply</th>
                {STAGES.map((s) => (
                  <th scope="col">{s.label}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <th scope="row">{r.label}</th>
                  {STAGES.map((s) => (
                    <td class="num">
                      {r.timing[s.key] === null || r.timing[s.key] === undefined
                        ? "-"
                        : Math.round(r.timing[s.key] as number)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
