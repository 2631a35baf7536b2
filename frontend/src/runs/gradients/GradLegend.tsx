// The gradient health scale, as a strip with its thresholds named: the same colours the
// canvas, the heatmap, the bars and the warnings use.
import { EXPLODING, gradColor, VANISHING } from '../model/colors';

const STOPS = [-7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4];

export function GradLegend() {
  const gradient = `linear-gradient(to right, ${STOPS.map((e) => gradColor(10 ** e)).join(', ')})`;
  return (
    <div className="grad-legend" data-testid="grad-legend" aria-label="Gradient health colour scale">
      <span className="muted">vanishing</span>
      <span className="grad-legend-strip" style={{ background: gradient }}>
        <span style={{ left: `${((Math.log10(VANISHING) + 7) / 11) * 100}%` }}>1e-4</span>
        <span style={{ left: `${((Math.log10(EXPLODING) + 7) / 11) * 100}%` }}>1e2</span>
      </span>
      <span className="muted">exploding</span>
      <span className="grad-legend-nan" style={{ background: gradColor(Number.NaN) }} title="not finite">
        NaN
      </span>
    </div>
  );
}
