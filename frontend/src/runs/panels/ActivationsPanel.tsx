// Each layer's output distribution over time: a heatmap per layer (x: sampled steps,
// y: value, darker where more outputs fall), with the dead-unit or saturated share and
// the mean ± std at the cursor.
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActivationRule, ActivationStats } from '../../api/types';
import { useMeta } from '../../store/meta';
import { useTheme } from '../../theme';
import { densityColor } from '../model/colors';
import { activationHealth } from '../model/health';
import { histogramGrid } from '../model/histogram';
import { formatMetric, formatPercent } from '../model/units';
import { runData, useRun } from '../store';
import { sizedContext, useWidth } from '../useWidth';

const HEIGHT = 56;

function LayerHistograms({ layer, column, steps, cursorRow, marked, width, rule }: { layer: string; column: readonly (ActivationStats | null)[]; steps: readonly number[]; cursorRow: number; marked: boolean; width: number; rule: ActivationRule }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { theme } = useTheme();
  const { t } = useTranslation();
  // Drawn with as many bins as the server measures (GET /api/meta).
  const bins = rule.histogram_bins;
  const grid = useMemo(() => histogramGrid(column.map((s) => s?.histogram ?? null), bins), [column, column.length, bins]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    const el = canvas.current;
    if (!el || !width) return;
    const ctx = sizedContext(el, width, HEIGHT);
    if (!ctx) return;
    ctx.clearRect(0, 0, width, HEIGHT);
    const n = grid.columns.length;
    const cw = width / Math.max(1, n);
    const bh = HEIGHT / bins;
    grid.columns.forEach((col, i) => {
      if (!col) return;
      for (let b = 0; b < bins; b += 1) {
        const v = col[b] ?? 0;
        if (v <= 0) continue;
        ctx.fillStyle = densityColor(v, theme === 'dark');
        ctx.fillRect(i * cw, HEIGHT - (b + 1) * bh, Math.ceil(cw), Math.ceil(bh));
      }
    });
    if (marked && cursorRow >= 0 && cursorRow < n) {
      ctx.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue('--accent') || '#3457d5';
      ctx.lineWidth = 1.5;
      ctx.strokeRect(cursorRow * cw + 0.75, 0.75, Math.max(2, cw - 1.5), HEIGHT - 1.5);
    }
  }, [grid, width, theme, cursorRow, marked, bins]);
  const stats = cursorRow >= 0 ? column[cursorRow] : null;
  const health = activationHealth(stats, rule, t);
  return (
    <li className="act-row" data-testid={`activation-${layer}`} data-health={health.level}>
      <div className="act-head">
        <strong className="mono">{layer}</strong>
        {stats && (
          <span className="muted small num">
            {t('runs.activations.mean', { mean: formatMetric(stats.mean), std: formatMetric(stats.std) })}
            {stats.dead_fraction != null && <> · {t('runs.activations.dead', { share: formatPercent(stats.dead_fraction) })}</>}
            {stats.saturated_fraction != null && <> · {t('runs.activations.saturated', { share: formatPercent(stats.saturated_fraction) })}</>}
            {stats.nonfinite && <span className="error-text"> · {t('runs.activations.nonfinite')}</span>}
          </span>
        )}
        {health.level === 'warning' && <span className="act-badge warning">{health.text}</span>}
      </div>
      <div className="act-plot">
        <span className="act-range muted small num">{grid.span ? formatMetric(grid.span.hi) : ''}</span>
        <canvas ref={canvas} role="img" aria-label={t('runs.activations.label', { layer, steps: steps.length })} />
        <span className="act-range muted small num bottom">{grid.span ? formatMetric(grid.span.lo) : ''}</span>
      </div>
    </li>
  );
}

export function ActivationsPanel() {
  const { t } = useTranslation();
  const version = useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const [box, width] = useWidth<HTMLDivElement>();
  const rule = useMeta((s) => s.meta?.activations ?? null);
  const table = runData().activations;
  const row = table.rowAt(cursor);
  void version;
  return (
    <section className="panel-section" data-testid="activation-histograms" data-layers={table.layers.length} data-steps={table.length} ref={box}>
      <h3 className="chart-title">{t('chart.layerOutputs', { steps: table.length })}</h3>
      {!table.length || !rule ? (
        <p className="muted chart-empty">{t('chart.activationsEmpty')}</p>
      ) : (
        <ul className="act-list">
          {table.layers.map((layer) => (
            <LayerHistograms key={layer} layer={layer} column={table.column(layer)} steps={table.steps} cursorRow={row} marked={cursor !== null} width={Math.max(120, width - 70)} rule={rule} />
          ))}
        </ul>
      )}
    </section>
  );
}
