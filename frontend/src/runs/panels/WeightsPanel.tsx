// Weights per layer over time: their L2 norm, and the size of each update relative to
// them (around 1e-3 is the usual healthy pace; far above, training thrashes; far below,
// the layer has stopped learning).
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { WeightStats } from '../../api/types';
import { seriesColor } from '../charts/palette';
import { UPlotChart } from '../charts/UPlotChart';
import type { Aligned } from '../model/align';
import { formatMetric } from '../model/units';
import { runData, useRun } from '../store';

export function WeightsPanel() {
  const { t } = useTranslation();
  const version = useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const table = runData().weights;
  const [norms, ratios] = useMemo(() => {
    const pick = (f: (w: WeightStats) => number | null | undefined) =>
      [table.steps, ...table.layers.map((l) => table.column(l).map((w) => (w ? (f(w) ?? null) : null)))] as Aligned;
    return [pick((w) => w.norm), pick((w) => (w.update_ratio && w.update_ratio > 0 ? w.update_ratio : null))];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [table, version]);
  const lines = table.layers.map((l, i) => ({ label: l, color: seriesColor(i), width: 1.5 }));
  if (!table.length) return <p className="muted chart-empty">{t('chart.weightsEmpty')}</p>;
  return (
    <section className="panel-section" data-testid="weights-panel">
      <UPlotChart testId="weight-norm-chart" title={t('chart.weightNorm')} lines={lines} data={norms} version={version} xLabel="step" cursorX={cursor} points={table.length} formatY={(v) => formatMetric(v)} height={200} />
      <UPlotChart testId="update-ratio-chart" title={t('chart.updateRatio')} lines={lines} data={ratios} version={version} xLabel="step" logY cursorX={cursor} points={table.length} formatY={(v) => formatMetric(v)} height={200} />
    </section>
  );
}
