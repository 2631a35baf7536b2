// The gradient health scale, as a strip with its thresholds named: the same colours the
// canvas, the heatmap, the bars and the warnings use. The thresholds are the server's
// (GET /api/meta), relative as its diagnoses are: a layer's share of the strongest
// layer's gradient at that step, and a norm's growth since its first measurements.
import { useTranslation } from 'react-i18next';
import { useMeta } from '../../store/meta';
import { gradColor, gradStrip, stripOffset } from '../model/colors';

const ratioText = (r: number) => (r < 0.01 ? r.toExponential(0).replace('e-', 'e−') : String(r));

export function GradLegend() {
  const rule = useMeta((s) => s.meta?.gradients ?? null);
  const { t } = useTranslation();
  const title = rule
    ? t('runs.grad.legend.title', { ratio: ratioText(rule.vanishing_ratio), factor: rule.exploding_factor, samples: rule.reference_samples, sustain: rule.sustain })
    : undefined;
  return (
    <div className="grad-legend" data-testid="grad-legend" aria-label={t('runs.grad.legend.label')} title={title}>
      <span className="muted">{t('runs.grad.legend.vanishing')}</span>
      <span className="grad-legend-strip" style={{ background: gradStrip() }}>
        {rule && (
          <>
            <span style={{ left: `${stripOffset(-1) * 100}%` }} data-testid="grad-legend-vanishing">
              {t('runs.grad.legend.ofMax', { ratio: ratioText(rule.vanishing_ratio) })}
            </span>
            <span style={{ left: `${stripOffset(1) * 100}%` }} data-testid="grad-legend-exploding">
              {t('runs.grad.legend.start', { factor: rule.exploding_factor })}
            </span>
          </>
        )}
      </span>
      <span className="muted">{t('runs.grad.legend.exploding')}</span>
      <span className="grad-legend-nan" style={{ background: gradColor(Number.NaN) }} title={t('runs.grad.legend.nonfinite')}>
        NaN
      </span>
    </div>
  );
}
