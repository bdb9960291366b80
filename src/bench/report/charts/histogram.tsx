import { DataTable, fmt, H, M, niceTicks, PALETTE, PH, PW, W, YAxis } from "./common.js";

/** A histogram of raw values in equal-width bins. */
export function Histogram(p: {
  title: string;
  unit: string;
  values: number[];
  bins?: number;
  target?: { value: number; label: string };
}) {
  const values = p.values.filter((v) => Number.isFinite(v) && v >= 0);
  if (values.length === 0) return null;
  const xTicks = niceTicks(Math.max(...values, p.target?.value ?? 0), p.bins ?? 12);
  const width = (xTicks[1] as number) - (xTicks[0] as number);
  const counts = xTicks.slice(0, -1).map(() => 0);
  // The last bin is closed: a value exactly on the top edge counts there.
  for (const v of values) counts[Math.min(counts.length - 1, Math.floor(v / width))]! += 1;
  const yTicks = niceTicks(Math.max(...counts), 4);
  const top = yTicks[yTicks.length - 1] as number;
  const xTop = xTicks[xTicks.length - 1] as number;
  const x = (v: number) => M.left + (v / xTop) * PW;
  const y = (v: number) => M.top + PH - (v / top) * PH;
  return (
    <figure>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={p.title} class="chart">
        <YAxis ticks={yTicks} y={y} label="count" />
        {counts.map((n, i) => {
          const lo = xTicks[i] as number;
          return (
            <rect
              x={x(lo) + 1}
              y={y(n)}
              width={Math.max(1, x(lo + width) - x(lo) - 2)}
              height={M.top + PH - y(n)}
              fill={PALETTE[0]}
            >
              <title>{`${fmt(lo)}-${fmt(lo + width)} ${p.unit}: ${n}`}</title>
            </rect>
          );
        })}
        {xTicks.map((t) => (
          <text x={x(t)} y={M.top + PH + 14} font-size="10" text-anchor="middle" fill="#3b4350">
            {fmt(t)}
          </text>
        ))}
        <text x={M.left + PW / 2} y={H - 6} font-size="12" text-anchor="middle" fill="#1d232c">
          {p.unit}
        </text>
        {p.target ? (
          <line
            x1={x(p.target.value)}
            x2={x(p.target.value)}
            y1={M.top}
            y2={M.top + PH}
            stroke="#b00020"
            stroke-width="1.5"
            stroke-dasharray="5 4"
          />
        ) : null}
      </svg>
      <figcaption>
        {`${p.title} (${values.length} values)`}
        {p.target ? ` (dashed: ${p.target.label})` : ""}
        <DataTable
          head={[`bin (${p.unit})`, "count"]}
          rows={counts.map((n, i) => [`${fmt(xTicks[i] as number)}-${fmt((xTicks[i] as number) + width)}`, String(n)])}
        />
      </figcaption>
    </figure>
  );
}
