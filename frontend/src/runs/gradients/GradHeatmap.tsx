// Gradient flow over time: one row per layer (network order), one column per sampled
// step (squeezed into the pixels there are). A cell's colour is the log of the norm on a
// sequential scale spanning the run's range (or, on request, each layer's own range), so
// change over time shows even in a healthy network; the health class is a separate mark,
// a strip along the cell's foot in the health scale's colour, only where it is not healthy.
import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMeta } from '../../store/meta';
import { bucketMax, bucketRanges } from '../model/buckets';
import { gradClass, gradColor, gradLabel, magnitudeColor, magnitudeStrip } from '../model/colors';
import { extremePosition } from '../model/gradScale';
import { logAxis, logShare, type LogAxis } from '../model/logAxis';
import { formatMetric } from '../model/units';
import { focusNode, gradPositions, runData, setCursor, useRun } from '../store';
import { sizedContext, useWidth } from '../useWidth';

const ROW = 18;
const NAMES = 110;
/** Height of the health mark along a cell's foot. */
const MARK = 4;

type Range = 'run' | 'layer';

/** Where a layer's norm sits on its colour scale, 0..1 (NaN: not finite). */
function scaler(range: Range, axis: LogAxis, column: readonly (number | null)[]): (v: number) => number {
  if (range === 'run') return (v) => (Number.isFinite(v) ? logShare(axis, v) : Number.NaN);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of column) {
    if (v === null || !Number.isFinite(v) || v <= 0) continue;
    lo = Math.min(lo, Math.log10(v));
    hi = Math.max(hi, Math.log10(v));
  }
  const span = hi - lo > 1e-9 ? hi - lo : 1;
  return (v) => (!Number.isFinite(v) ? Number.NaN : v <= 0 ? 0 : Math.max(0, Math.min(1, (Math.log10(v) - lo) / span)));
}

interface Hover {
  x: number;
  y: number;
  text: string;
}

export function GradHeatmap() {
  const version = useRun((s) => s.version);
  const cursor = useRun((s) => s.cursor);
  const [box, width] = useWidth<HTMLDivElement>();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<Hover | null>(null);
  const [range, setRange] = useState<Range>('run');
  const rule = useMeta((s) => s.meta?.gradients ?? null);
  const { t } = useTranslation();
  const table = runData().grads;
  const positions = gradPositions(rule);
  const plotWidth = Math.max(0, width - NAMES);
  const columns = Math.min(table.length, plotWidth);
  const ranges = useMemo(
    () => bucketRanges(table.length, columns),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [table.length, columns, version],
  );
  // The whole run's range: the scale holds still while the cursor moves.
  const axis = useMemo(
    () => logAxis(table.layers.flatMap((l) => table.column(l))),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [table, version],
  );

  useEffect(() => {
    const el = canvas.current;
    if (!el || !plotWidth) return;
    const height = Math.max(ROW, table.layers.length * ROW);
    const ctx = sizedContext(el, plotWidth, height);
    if (!ctx) return;
    ctx.clearRect(0, 0, plotWidth, height);
    const cell = columns ? plotWidth / columns : 0;
    table.layers.forEach((layer, row) => {
      const norms = table.column(layer);
      const share = scaler(range, axis, norms);
      const health = positions?.column(layer);
      ranges.forEach(([a, b], col) => {
        // The cell: the largest norm of its steps (a NaN wins); its mark: the step
        // furthest from healthy.
        const v = bucketMax(norms.slice(a, b), 1)[0] ?? null;
        if (v === null) return;
        const shade = share(v);
        const x = col * cell;
        const y = row * ROW + 1;
        ctx.fillStyle = Number.isNaN(shade) ? gradColor(Number.NaN) : magnitudeColor(shade);
        ctx.fillRect(x, y, Math.ceil(cell), ROW - 2);
        const p = health ? extremePosition(health.slice(a, b)) : null;
        const kind = gradClass(p);
        if (kind === 'vanishing' || kind === 'exploding' || kind === 'nonfinite') {
          // A pale line above the mark sets it apart from the cell's own colour.
          ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
          ctx.fillRect(x, y + ROW - 3 - MARK, Math.ceil(cell), 1);
          ctx.fillStyle = gradColor(p);
          ctx.fillRect(x, y + ROW - 2 - MARK, Math.ceil(cell), MARK);
        }
      });
    });
    if (cursor !== null && table.length) {
      const i = table.rowAt(cursor);
      const col = ranges.findIndex(([a, b]) => i >= a && i < b);
      if (col >= 0) {
        ctx.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue('--text') || '#000';
        ctx.lineWidth = 2;
        ctx.strokeRect(col * cell + 1, 0, Math.max(2, cell - 2), height);
      }
    }
  }, [version, plotWidth, columns, cursor, table, ranges, positions, axis, range]);

  const at = (e: MouseEvent) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const col = Math.floor(((e.clientX - rect.left) / rect.width) * columns);
    const row = Math.floor((e.clientY - rect.top) / ROW);
    const range = ranges[col];
    const layer = table.layers[row];
    return range && layer ? { range, layer, x: e.clientX - rect.left, y: e.clientY - rect.top } : null;
  };

  const onMove = (e: MouseEvent) => {
    const hit = at(e);
    if (!hit) return setHover(null);
    const [a, b] = hit.range;
    const v = bucketMax(table.column(hit.layer).slice(a, b), 1)[0] ?? null;
    const p = extremePosition(positions?.column(hit.layer).slice(a, b) ?? []);
    const steps = a === b - 1 ? t('runs.grad.heatmap.step', { step: table.steps[a] }) : t('runs.grad.heatmap.steps', { from: table.steps[a], to: table.steps[b - 1] });
    const health = gradLabel(v === null ? 'none' : gradClass(p), t);
    setHover({ x: hit.x, y: hit.y, text: t('runs.grad.heatmap.tooltip', { layer: hit.layer, steps, norm: formatMetric(v), health }) });
  };

  const onClick = (e: MouseEvent) => {
    const hit = at(e);
    if (!hit) return;
    setCursor(table.steps[hit.range[1] - 1] ?? null);
    focusNode(hit.layer.split('.')[0] ?? hit.layer);
  };

  if (!table.length) return <p className="muted chart-empty">{t('runs.grad.heatmap.empty')}</p>;
  return (
    <figure className="chart heatmap" data-testid="grad-heatmap" data-layers={table.layers.length} data-steps={table.length}>
      <figcaption className="chart-title">
        <span>{t('runs.grad.heatmap.title', { count: table.length, samples: table.length.toLocaleString('en-US') })}</span>
        <label className="inline-field" title={t('runs.grad.heatmap.perLayerTitle')}>
          <input type="checkbox" checked={range === 'layer'} onChange={(e) => setRange(e.target.checked ? 'layer' : 'run')} data-testid="grad-heatmap-per-layer" />{' '}
          {t('runs.grad.heatmap.perLayer')}
        </label>
      </figcaption>
      <div className="heatmap-body" ref={box}>
        <ol className="heatmap-names" style={{ width: NAMES }}>
          {table.layers.map((layer) => (
            <li key={layer} style={{ height: ROW }} title={layer}>
              {layer}
            </li>
          ))}
        </ol>
        <div className="heatmap-plot">
          <canvas ref={canvas} onMouseMove={onMove} onMouseLeave={() => setHover(null)} onClick={onClick} aria-label={t('runs.grad.heatmap.label')} role="img" />
          {hover && (
            <div className="tooltip" style={{ left: Math.min(hover.x + 12, plotWidth - 240), top: hover.y + 14 }} data-testid="grad-heatmap-tooltip">
              {hover.text}
            </div>
          )}
        </div>
      </div>
      <div className="heatmap-axis muted">
        <span>{t('runs.grad.heatmap.step', { step: table.steps[0] })}</span>
        <span>{t('runs.grad.heatmap.step', { step: table.steps[table.length - 1] })}</span>
      </div>
      <HeatmapLegend axis={axis} range={range} />
    </figure>
  );
}

/** The colour scale with its axis (the run's decades, or "each layer's smallest to
 * largest"), and the health marks. */
function HeatmapLegend({ axis, range }: { axis: LogAxis; range: Range }) {
  const { t } = useTranslation();
  return (
    <div className="heatmap-legend" data-testid="grad-heatmap-legend" data-range={range}>
      <div className="heatmap-scale">
        <span className="heatmap-scale-strip" style={{ background: magnitudeStrip() }} />
        {range === 'run' ? (
          <span className="heatmap-scale-ticks">
            {axis.ticks.map((tick) => (
              <span key={tick.exponent} style={{ left: `${tick.at * 100}%` }}>
                {tick.label}
              </span>
            ))}
          </span>
        ) : (
          <span className="heatmap-scale-ticks">
            <span style={{ left: '0%' }}>{t('runs.grad.heatmap.smallest')}</span>
            <span style={{ left: '100%' }}>{t('runs.grad.heatmap.largest')}</span>
          </span>
        )}
        <span className="muted heatmap-scale-name">{t('runs.grad.heatmap.scale')}</span>
      </div>
      <div className="heatmap-marks muted">
        {t('runs.grad.heatmap.marks')}
        {(['vanishing', 'exploding', 'nonfinite'] as const).map((kind) => (
          <span key={kind}>
            <span className="heatmap-mark" style={{ background: gradColor(kind === 'vanishing' ? -1.75 : kind === 'exploding' ? 1.75 : Number.NaN) }} /> {gradLabel(kind, t)}
          </span>
        ))}
      </div>
    </div>
  );
}
