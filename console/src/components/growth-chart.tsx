/** The log's size over time as an SVG line (no chart library, no inline style), with the numbers as a table too. */
export interface GrowthPoint {
  at: number; // unix seconds
  size: number;
}

const W = 640;
const H = 220;
const PAD = { left: 56, right: 16, top: 12, bottom: 36 };

export function GrowthChart({ points }: { points: GrowthPoint[] }) {
  if (points.length < 2) return <p>Not enough entries yet to draw the growth.</p>;
  const t0 = points[0]!.at;
  const t1 = Math.max(points[points.length - 1]!.at, t0 + 1);
  const max = Math.max(...points.map((p) => p.size), 1);
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (s: number) => H - PAD.bottom - (s / max) * (H - PAD.top - PAD.bottom);
  const line = points.map((p) => `${x(p.at).toFixed(1)},${y(p.size).toFixed(1)}`).join(' ');
  const date = (t: number) => new Date(t * 1000).toLocaleString();
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="growth-caption">
        <line class="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line class="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text class="tick" x={PAD.left - 6} y={y(max) + 4} text-anchor="end">
          {max}
        </text>
        <text class="tick" x={PAD.left - 6} y={y(0) + 4} text-anchor="end">
          0
        </text>
        <text class="tick" x={PAD.left} y={H - 12}>
          {date(t0)}
        </text>
        <text class="tick" x={W - PAD.right} y={H - 12} text-anchor="end">
          {date(t1)}
        </text>
        <polyline class="series" points={line} />
        {points.map((p) => (
          <circle class="dot" cx={x(p.at)} cy={y(p.size)} r={3} />
        ))}
      </svg>
      <figcaption id="growth-caption">Entries in the log over time, from {points.length} sampled entries' integration times.</figcaption>
      <details>
        <summary>The numbers</summary>
        <table aria-label="Log growth">
          <thead>
            <tr>
              <th scope="col">Integrated</th>
              <th scope="col">Tree size after it</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr>
                <td>{date(p.at)}</td>
                <td>{p.size}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
