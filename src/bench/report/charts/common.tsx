/**
 * Small inline-SVG charts for the bench report (no script, no library: the
 * report is one self-contained HTML file). Every chart has a title for
 * screen readers and its numbers in a table underneath.
 */
export const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

export const W = 640;
export const H = 280;
export const M = { top: 16, right: 20, bottom: 44, left: 64 };
export const PW = W - M.left - M.right;
export const PH = H - M.top - M.bottom;

/** Round axis ticks from 0 (or min) to a little above max. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((s) => s * mag >= raw) ?? 10) * mag;
  const ticks = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function fmt(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  // Number() drops trailing zeros: 3.7, not 3.70.
  return a >= 100
    ? String(Math.round(v))
    : String(Number(a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2)));
}

export function YAxis(p: { ticks: number[]; y: (v: number) => number; label: string }) {
  return (
    <g>
      {p.ticks.map((t) => (
        <g>
          <line x1={M.left} x2={M.left + PW} y1={p.y(t)} y2={p.y(t)} stroke="#e1e4e8" />
          <text x={M.left - 6} y={p.y(t) + 4} font-size="11" text-anchor="end" fill="#3b4350">
            {fmt(t)}
          </text>
        </g>
      ))}
      <text
        x={14}
        y={M.top + PH / 2}
        font-size="12"
        text-anchor="middle"
        fill="#1d232c"
        transform={`rotate(-90 14 ${M.top + PH / 2})`}
      >
        {p.label}
      </text>
    </g>
  );
}

export function Legend(p: { names: string[] }) {
  return (
    <ul class="legend">
      {p.names.map((n, i) => (
        <li>
          <svg width="12" height="12" aria-hidden="true">
            <rect width="12" height="12" fill={PALETTE[i % PALETTE.length]} />
          </svg>{" "}
          {n}
        </li>
      ))}
    </ul>
  );
}

export function DataTable(p: { head: string[]; rows: string[][] }) {
  return (
    <details>
      <summary>Numbers</summary>
      <table>
        <thead>
          <tr>
            {p.head.map((h) => (
              <th scope="col">{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr>
              {r.map((c) => (
                <td>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
