// Validation metrics per epoch (losses together, the other metrics together) and the
// learning rate per step.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { align, type Aligned } from '../model/align';
import { metricLabel } from '../model/labels';
import { formatMetric } from '../model/units';
import { runData, useRun } from '../store';
import { seriesColor } from './palette';
import { UPlotChart, type Line } from './UPlotChart';

function EpochChart({ testId, title, keys, logY }: { testId: string; title: string; keys: string[]; logY?: boolean }) {
  const { t } = useTranslation();
  const version = useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const d = runData();
  const data = useMemo(
    () => align(keys.map((k) => d.epochMetrics.get(k)!)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [keys.join(','), version, d],
  );
  const lines: Line[] = keys.map((k, i) => ({ label: metricLabel(k, t), color: seriesColor(i), width: 2, points: true }));
  // The cursor is a step; epochs completed by then is what this axis counts.
  const epochAt = cursor === null ? null : d.epochsAt(cursor);
  return (
    <UPlotChart
      testId={testId}
      title={title}
      lines={lines}
      data={data}
      version={version}
      xLabel="epoch"
      logY={logY}
      cursorX={epochAt}
      points={data[0].length}
      formatY={(v) => formatMetric(v)}
      height={190}
    />
  );
}

export function EpochCharts() {
  const { t } = useTranslation();
  useRun((s) => s.version);
  const keys = [...runData().epochMetrics.keys()];
  const losses = keys.filter((k) => k.includes('loss'));
  const others = keys.filter((k) => !k.includes('loss'));
  if (!keys.length) return <p className="muted chart-empty">{t('chart.epochEmpty')}</p>;
  return (
    <>
      {losses.length > 0 && <EpochChart testId="val-loss-chart" title={t('chart.lossesPerEpoch')} keys={losses} />}
      {others.length > 0 && <EpochChart testId="val-metrics-chart" title={t('chart.metricsPerEpoch')} keys={others} />}
    </>
  );
}

export function StepMetricChart({ metric, title, testId, logY }: { metric: string; title: string; testId: string; logY?: boolean }) {
  const version = useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const series = runData().metrics.get(metric);
  const { t } = useTranslation();
  const data = useMemo(
    () => (series ? ([series.x, series.y] as Aligned) : ([[], []] as Aligned)),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [series, version],
  );
  if (!series) return null;
  return (
    <UPlotChart
      testId={testId}
      title={title}
      lines={[{ label: metricLabel(metric, t), color: seriesColor(metric === 'lr' ? 4 : 2), width: 1.5 }]}
      data={data}
      version={version}
      xLabel="step"
      logY={logY}
      cursorX={cursor}
      points={series.length}
      formatY={(v) => formatMetric(v)}
      height={160}
      marks={series.nonfinite}
    />
  );
}
