import { DataTable, fmt, H, Legend, M, niceTicks, PALETTE, PH, PW, W, YAxis } from "./common.js";

export interface Bar {
  label: string;
  value: number;
  /** Bars of one group share a colour (one per input file, or per measure). */
  group?: string;
}

/** Vertical bars, optionally with a dashed target line. */
export function BarChart(p: { title: string; unit: string; bars: Bar[]; target?: { value: number; label: string } }) {
  const bars = p.bars.filter((b) => Number.isFinite(b.value));
  if (bars.length === 0) return null;
  const groups = [...new Set(bars.map((b) => b.group ?? ""))];
  const dataMax = Math.max(...bars.map((b) => b.value));
  // A target far above every bar would flatten them all: then it is named in the caption, not drawn.
  const target = p.target && p.target.value <= dataMax * 3 ? p.target : undefined;
  const ticks = niceTicks(Math.max(dataMax, target?.value ?? 0));
  const top = ticks[ticks.length - 1] as number;
  const y = (v: number) => M.top + PH - (v / top) * PH;
  const slot = PW / bars.length;
  const bw = Math.min(56, slot * 0.7);
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={p.title} class="chart">
        <YAxis ticks={ticks} y={y} label={p.unit} />
        {bars.map((b, i) => {
          const x = M.left + slot * i + (slot - bw) / 2;
          return (
            <g>
              <rect
                x={x}
                y={y(b.value)}
                width={bw}
                height={Math.max(0.5, M.top + PH - y(b.value))}
                fill={PALETTE[groups.indexOf(b.group ?? "") % PALETTE.length]}
              >
                <title>{`${b.group ? `${b.group}: ` : ""}${b.label}: ${fmt(b.value)} ${p.unit}`}</title>
              </rect>
              <text x={x + bw / 2} y={y(b.value) - 4} font-size="10" text-anchor="middle" fill="#1d232c">
                {fmt(b.value)}
              </text>
              <text x={x + bw / 2} y={M.top + PH + 14} font-size="10" text-anchor="middle" fill="#3b4350">
                {b.label.length > 14 ? `${b.label.slice(0, 13)}…` : b.label}
              </text>
            </g>
          );
        })}
        {target ? (
          <line
            x1={M.left}
            x2={M.left + PW}
            y1={y(target.value)}
            y2={y(target.value)}
            stroke="#b00020"
            stroke-width="1.5"
            stroke-dasharray="5 4"
          />
        ) : null}
      </svg>
      <figcaption>
        {p.title}
        {target
          ? ` (dashed: ${target.label})`
          : p.target
            ? ` (all far below ${p.target.label}: ${fmt(p.target.value)} ${p.unit})`
            : ""}
        {groups.length > 1 ? <Legend names={groups} /> : null}
        <DataTable
          head={["", p.unit]}
          rows={bars.map((b) => [`${b.group ? `${b.group}: ` : ""}${b.label}`, fmt(b.value)])}
        />
      </figcaption>
    </figure>
  );
}
