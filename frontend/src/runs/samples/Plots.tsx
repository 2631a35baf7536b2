// Small plots: an attention map (query x key weights), a regression curve over its
// points, and a GAN's real versus generated points.
import { useEffect, useRef } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';
import { seriesColor, themeColors } from '../charts/palette';
import { densityColor } from '../model/colors';
import { useTheme } from '../../theme';
import { sizedContext } from '../useWidth';

type AttentionView = Extract<SampleView, { kind: 'attention' }>;
type CurveView = Extract<SampleView, { kind: 'curve' }>;
type PointsView = Extract<SampleView, { kind: 'points' }>;

const SIZE = 300;

export function AttentionMap({ view }: { view: AttentionView }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { theme } = useTheme();
  const { t } = useTranslation();
  const rows = view.weights.length;
  const cols = view.weights[0]?.length ?? 0;
  useEffect(() => {
    const el = canvas.current;
    if (!el || !rows || !cols) return;
    const ctx = sizedContext(el, SIZE, SIZE);
    if (!ctx) return;
    ctx.clearRect(0, 0, SIZE, SIZE);
    let max = 0;
    for (const row of view.weights) for (const v of row) if (v !== null) max = Math.max(max, v);
    view.weights.forEach((row, i) =>
      row.forEach((v, j) => {
        ctx.fillStyle = densityColor(v === null || max === 0 ? 0 : v / max, theme === 'dark');
        ctx.fillRect((j * SIZE) / cols, (i * SIZE) / rows, Math.ceil(SIZE / cols), Math.ceil(SIZE / rows));
      }),
    );
  }, [view, rows, cols, theme]);
  return (
    <figure className="sample-view" data-testid="attention-map">
      <figcaption className="chart-title">
        {t('runs.samples.attention.title', { node: view.node })}
      </figcaption>
      <canvas ref={canvas} className="boundary-canvas" role="img" aria-label={t('runs.samples.attention.label', { node: view.node })} />
      {view.key_labels && <p className="muted small mono">{t('runs.samples.attention.keys', { labels: view.key_labels.join(' ') })}</p>}
      {view.query_labels && <p className="muted small mono">{t('runs.samples.attention.queries', { labels: view.query_labels.join(' ') })}</p>}
    </figure>
  );
}

function useScatter(draw: (ctx: CanvasRenderingContext2D, sx: (x: number) => number, sy: (y: number) => number) => void, xs: number[], ys: number[], deps: unknown[]) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ctx = sizedContext(el, SIZE, SIZE * 0.75);
    if (!ctx) return;
    const finite = (v: number[]) => v.filter(Number.isFinite);
    const [x0, x1] = [Math.min(...finite(xs)), Math.max(...finite(xs))];
    const [y0, y1] = [Math.min(...finite(ys)), Math.max(...finite(ys))];
    const pad = 12;
    const w = SIZE - 2 * pad;
    const h = SIZE * 0.75 - 2 * pad;
    const sx = (x: number) => pad + ((x - x0) / (x1 - x0 || 1)) * w;
    const sy = (y: number) => pad + h - ((y - y0) / (y1 - y0 || 1)) * h;
    ctx.clearRect(0, 0, SIZE, SIZE);
    draw(ctx, sx, sy);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return canvas;
}

const nums = (v: (number | null)[]) => v.filter((x): x is number => x !== null);

export function CurvePlot({ view }: { view: CurveView }) {
  const { t } = useTranslation();
  const xs = [...nums(view.x), ...nums(view.points.map((p) => p[0]))];
  const ys = [...nums(view.predicted), ...nums(view.points.map((p) => p[1]))];
  const canvas = useScatter(
    (ctx, sx, sy) => {
      const colors = themeColors();
      ctx.fillStyle = colors.text;
      for (const [x, y] of view.points) if (x !== null && y !== null) ctx.fillRect(sx(x) - 1.5, sy(y) - 1.5, 3, 3);
      ctx.strokeStyle = colors.accent;
      ctx.lineWidth = 2;
      ctx.beginPath();
      view.x.forEach((x, i) => {
        const y = view.predicted[i];
        if (x === null || y === null || y === undefined) return;
        if (i === 0) ctx.moveTo(sx(x), sy(y));
        else ctx.lineTo(sx(x), sy(y));
      });
      ctx.stroke();
    },
    xs,
    ys,
    [view],
  );
  return (
    <figure className="sample-view" data-testid="regression-curve">
      <figcaption className="chart-title">{t('runs.samples.curve.title')}</figcaption>
      <canvas ref={canvas} role="img" aria-label={t('runs.samples.curve.label')} />
    </figure>
  );
}

export function PointsPlot({ view }: { view: PointsView }) {
  const { t } = useTranslation();
  const all = [...view.real, ...view.generated];
  const canvas = useScatter(
    (ctx, sx, sy) => {
      const draw = (pts: [number | null, number | null][], color: string) => {
        ctx.fillStyle = color;
        for (const [x, y] of pts) if (x !== null && y !== null) ctx.fillRect(sx(x) - 2, sy(y) - 2, 4, 4);
      };
      draw(view.real, seriesColor(0));
      draw(view.generated, seriesColor(1));
    },
    nums(all.map((p) => p[0])),
    nums(all.map((p) => p[1])),
    [view],
  );
  return (
    <figure className="sample-view" data-testid="gan-points">
      <figcaption className="chart-title">
        <Trans i18nKey="runs.samples.points.title" components={{ real: <span style={{ color: seriesColor(0) }} />, fake: <span style={{ color: seriesColor(1) }} /> }} />
      </figcaption>
      <canvas ref={canvas} role="img" aria-label={t('runs.samples.points.label')} />
    </figure>
  );
}
