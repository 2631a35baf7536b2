// The gradient health scale, as a strip with its thresholds named: the same colours the
// canvas, the heatmap, the bars and the warnings use. The thresholds are the server's
// (GET /api/meta), relative as its diagnoses are: a layer's share of the strongest
// layer's gradient at that step, and a norm's growth since its first measurements.
import { useMeta } from '../../store/meta';
import { gradColor, gradStrip, stripOffset } from '../model/colors';

const ratioText = (r: number) => (r < 0.01 ? r.toExponential(0).replace('e-', 'e−') : String(r));

export function GradLegend() {
  const rule = useMeta((s) => s.meta?.gradients ?? null);
  const title = rule
    ? `Vanishing: under ${ratioText(rule.vanishing_ratio)} of the strongest layer's gradient norm at that step. ` +
      `Exploding: over ${rule.exploding_factor}× its early norm (the median of the first ${rule.reference_samples} measurements). ` +
      `The server warns when one holds for ${rule.sustain} measurements in a row.`
    : undefined;
  return (
    <div className="grad-legend" data-testid="grad-legend" aria-label="Gradient health colour scale" title={title}>
      <span className="muted">vanishing</span>
      <span className="grad-legend-strip" style={{ background: gradStrip() }}>
        {rule && (
          <>
            <span style={{ left: `${stripOffset(-1) * 100}%` }} data-testid="grad-legend-vanishing">
              {ratioText(rule.vanishing_ratio)} of max
            </span>
            <span style={{ left: `${stripOffset(1) * 100}%` }} data-testid="grad-legend-exploding">
              {rule.exploding_factor}× start
            </span>
          </>
        )}
      </span>
      <span className="muted">exploding</span>
      <span className="grad-legend-nan" style={{ background: gradColor(Number.NaN) }} title="not finite">
        NaN
      </span>
    </div>
  );
}
