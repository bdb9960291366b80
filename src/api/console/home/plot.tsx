import type { Bucket } from "../../stats/buckets.js";

const W = 640;
const H = 170;
const PAD = { left: 44, right: 8, top: 10, bottom: 24 };
const innerW = W - PAD.left - PAD.right;
const innerH = H - PAD.top - PAD.bottom;

/** A round top for the axis: 1, 2 or 5 times a power of ten, at least `max` (and at least 1). */
export function niceMax(max: number): number {
  if (max <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

interface PlotProps {
  id: string;
  title: string;
  buckets: Bucket[];
  /** A bucket's label on the x axis ("14h", "3 Dec"). */
  label: (start: number) => string;
}

function Axes(p: { top: number; unit: string; buckets: Bucket[]; label: (s: number) => string }) {
  const step = Math.max(1, Math.ceil(p.buckets.length / 8));
  const x = (i: number) => PAD.left + (i + 0.5) * (innerW / p.buckets.length);
  return (
    <g class="axes">
      <line x1={PAD.left} y1={PAD.top + innerH} x2={W - PAD.right} y2={PAD.top + innerH} />
      <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + innerH} />
      <text x={PAD.left - 4} y={PAD.top + 4} text-anchor="end">{`${p.top}${p.unit}`}</text>
      <text x={PAD.left - 4} y={PAD.top + innerH} text-anchor="end">
        0
      </text>
      {p.buckets.map((b, i) =>
        i % step === 0 ? (
          <text x={x(i)} y={H - 6} text-anchor="middle">
            {p.label(b.start)}
          </text>
        ) : null,
      )}
    </g>
  );
}

/** Calls and voicemails per bucket as paired bars. Server-rendered SVG, with the numbers in a table beside it. */
export function VolumePlot(p: PlotProps) {
  const top = niceMax(Math.max(0, ...p.buckets.map((b) => Math.max(b.calls, b.voicemails))));
  const slot = innerW / p.buckets.length;
  const bar = Math.max(1, slot / 2 - 1);
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  const totalCalls = p.buckets.reduce((a, b) => a + b.calls, 0);
  const totalVm = p.buckets.reduce((a, b) => a + b.voicemails, 0);
  return (
    <figure class="plot" id={p.id}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${p.id}-t`} data-plot="volume">
        <title id={`${p.id}-t`}>{`${p.title}: ${totalCalls} calls and ${totalVm} voicemails`}</title>
        <Axes top={top} unit="" buckets={p.buckets} label={p.label} />
        {p.buckets.map((b, i) => (
          <g>
            <rect
              class="bar calls"
              x={PAD.left + i * slot + 1}
              y={y(b.calls)}
              width={bar}
              height={PAD.top + innerH - y(b.calls)}
            >
              <title>{`${p.label(b.start)}: ${b.calls} calls`}</title>
            </rect>
            <rect
              class="bar voicemails"
              x={PAD.left + i * slot + 1 + bar}
              y={y(b.voicemails)}
              width={bar}
              height={PAD.top + innerH - y(b.voicemails)}
            >
              <title>{`${p.label(b.start)}: ${b.voicemails} voicemails`}</title>
            </rect>
          </g>
        ))}
      </svg>
      <figcaption>
        {p.title}: <span class="key calls">calls</span> <span class="key voicemails">voicemails</span>
      </figcaption>
    </figure>
  );
}

/** Reply latency p50 and p95 per bucket as two lines (a gap where a bucket had no timed turn). */
export function LatencyPlot(p: PlotProps) {
  const top = niceMax(Math.max(0, ...p.buckets.map((b) => b.p95Ms ?? 0)));
  const slot = innerW / p.buckets.length;
  const x = (i: number) => PAD.left + (i + 0.5) * slot;
  const y = (v: number) => PAD.top + innerH - (v / top) * innerH;
  const line = (pick: (b: Bucket) => number | null) => {
    let d = "";
    let pen = false;
    p.buckets.forEach((b, i) => {
      const v = pick(b);
      if (v === null) return void (pen = false);
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    return d.trim();
  };
  const timed = p.buckets.filter((b) => b.turns > 0);
  const last = timed[timed.length - 1];
  const summary = last
    ? `${p.title}: latest p50 ${last.p50Ms} ms, p95 ${last.p95Ms} ms over ${timed.reduce((a, b) => a + b.turns, 0)} turns`
    : `${p.title}: no timed turns`;
  return (
    <figure class="plot" id={p.id}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${p.id}-t`} data-plot="latency">
        <title id={`${p.id}-t`}>{summary}</title>
        <Axes top={top} unit=" ms" buckets={p.buckets} label={p.label} />
        <path class="line p95" d={line((b) => b.p95Ms)} />
        <path class="line p50" d={line((b) => b.p50Ms)} />
        {p.buckets.map((b, i) =>
          b.p50Ms === null ? null : (
            <circle class="dot p50" cx={x(i)} cy={y(b.p50Ms)} r="2.5">
              <title>{`${p.label(b.start)}: p50 ${b.p50Ms} ms, p95 ${b.p95Ms} ms, ${b.turns} turns`}</title>
            </circle>
          ),
        )}
      </svg>
      <figcaption>
        {p.title}: <span class="key p50">p50</span> <span class="key p95">p95</span> (ms from the caller's last word to
        the first reply packet)
      </figcaption>
    </figure>
  );
}
