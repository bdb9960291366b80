import { DataTable, fmt, H, Legend, M, niceTicks, PALETTE, PH, PW, W, YAxis } from "./common.js";

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

/** Lines over a numeric x axis (concurrency levels), one per series. */
export function LineChart(p: {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  target?: { value: number; label: string };
}) {
  const series = p.series
    .map((s) => ({
      ...s,
      points: s.points.filter((q) => Number.isFinite(q.x) && Number.isFinite(q.y)).sort((a, b) => a.x - b.x),
    }))
    .filter((s) => s.points.length > 0);
  if (series.length === 0) return null;
  const xs = series.flatMap((s) => s.points.map((q) => q.x));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const ticks = niceTicks(Math.max(...series.flatMap((s) => s.points.map((q) => q.y)), p.target?.value ?? 0));
  const top = ticks[ticks.length - 1] as number;
  const x = (v: number) => M.left + (xMax === xMin ? PW / 2 : ((v - xMin) / (xMax - xMin)) * PW);
  const y = (v: number) => M.top + PH - (v / top) * PH;
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={p.title} class="chart">
        <YAxis ticks={ticks} y={y} label={p.yLabel} />
        {[...new Set(xs)].map((v) => (
          <text x={x(v)} y={M.top + PH + 14} font-size="10" text-anchor="middle" fill="#3b4350">
            {fmt(v)}
          </text>
        ))}
        <text x={M.left + PW / 2} y={H - 6} font-size="12" text-anchor="middle" fill="#1d232c">
          {p.xLabel}
        </text>
        {p.target ? (
          <line
            x1={M.left}
            x2={M.left + PW}
            y1={y(p.target.value)}
            y2={y(p.target.value)}
            stroke="#b00020"
            stroke-width="1.5"
            stroke-dasharray="5 4"
          />
        ) : null}
        {series.map((s, i) => (
          <g>
            <polyline
              points={s.points.map((q) => `${x(q.x)},${y(q.y)}`).join(" ")}
              fill="none"
              stroke={PALETTE[i % PALETTE.length]}
              stroke-width="2"
            />
            {s.points.map((q) => (
              <circle cx={x(q.x)} cy={y(q.y)} r="3.5" fill={PALETTE[i % PALETTE.length]}>
                <title>{`${s.name}: ${fmt(q.y)} at ${fmt(q.x)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        {p.title}
        {p.target ? ` (dashed: ${p.target.label})` : ""}
        <Legend names={series.map((s) => s.name)} />
        <DataTable
          head={["series", p.xLabel, p.yLabel]}
          rows={series.flatMap((s) => s.points.map((q) => [s.name, fmt(q.x), fmt(q.y)]))}
        />
      </figcaption>
    </figure>
  );
}
