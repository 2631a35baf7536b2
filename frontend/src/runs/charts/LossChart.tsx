// The training loss per step: raw (thin) and smoothed (bold), log scale on request.
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { notePaint } from '../probe';
import { metricLabel } from '../model/labels';
import { SmoothedCurve } from '../model/smoothing';
import { runData, setSmoothing, toggleLogScale, useRun } from '../store';
import { formatMetric } from '../model/units';
import { UPlotChart } from './UPlotChart';
import { themeColors } from './palette';

type Aligned = [number[], (number | null)[], (number | null)[]];

/** Up to this many points, each is drawn as a dot as well. */
const FEW = 30;

const positive = (ys: readonly (number | null)[]) => ys.map((v) => (v !== null && v > 0 ? v : null));

export function LossChart({ metric = 'train/loss' }: { metric?: string }) {
  const { t } = useTranslation();
  const version = useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const logScale = useRun((s) => s.logScale);
  const smoothing = useRun((s) => s.smoothing);
  const smoother = useRef(new SmoothedCurve());
  const series = runData().metrics.get(metric);
  const count = series?.length ?? 0;

  const data = useMemo(() => {
    if (!series) return [[], [], []] as Aligned;
    const smooth = smoother.current.update(series.y, smoothing, series.generation);
    return (logScale ? [series.x, positive(series.y), positive(smooth)] : [series.x, series.y, smooth]) as Aligned;
    // `version` marks new points in the same arrays.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [series, version, smoothing, logScale]);

  const accent = themeColors().accent;
  const lastStep = series?.x[series.x.length - 1];
  const nonfinite = series?.nonfinite ?? [];
  return (
    <div className="chart-block">
      <div className="chart-tools">
        <label className="inline-field">
          <input type="checkbox" checked={logScale} onChange={toggleLogScale} data-testid="loss-log-scale" /> {t('chart.logScale')}
        </label>
        <label className="inline-field" title={t('chart.smoothingTitle')}>
          {t('chart.smoothing')}
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            onChange={(e) => setSmoothing(Number(e.target.value))}
            data-testid="loss-smoothing"
            aria-label={t('chart.smoothingWeight')}
          />
          <span className="num">{smoothing.toFixed(2)}</span>
        </label>
        <span className="muted num" data-testid="loss-latest">
          {t('chart.latest', { value: formatMetric(series?.last()) })}
        </span>
      </div>
      <UPlotChart
        testId="loss-chart"
        title={t('chart.lossTitle', { count, points: count.toLocaleString('en-US') })}
        lines={[
          // The first points are dots too: one point has no line to draw.
          { label: t('chart.raw', { metric: metricLabel(metric, t) }), color: accent, width: 1, alpha: 0.35, points: count <= FEW },
          { label: t('chart.smoothed', { metric: metricLabel(metric, t), smoothing: smoothing.toFixed(2) }), color: accent, width: 2 },
        ]}
        data={data}
        version={`${version}:${smoothing}:${logScale}`}
        xLabel="step"
        logY={logScale}
        cursorX={cursor}
        marks={nonfinite}
        points={count}
        formatY={(v) => formatMetric(v)}
        onDrawn={lastStep !== undefined ? () => notePaint(lastStep) : undefined}
      />
      {nonfinite.length > 0 && (
        <p className="chart-note error-text" data-testid="loss-nonfinite">
          {t('runs.chart.nonfinite', { count: nonfinite.length, steps: `${nonfinite.slice(0, 5).join(', ')}${nonfinite.length > 5 ? ', …' : ''}` })}
        </p>
      )}
    </div>
  );
}
