// The decision boundary of a 2-D classifier over its data: each grid cell in the colour
// of the class it predicts (paler where it is less sure), the validation points on top.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { SampleView } from '../../api/types';
import { seriesColor } from '../charts/palette';
import { sizedContext } from '../useWidth';

type View = Extract<SampleView, { kind: 'decision_boundary' }>;

const SIZE = 320;

function hexRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function DecisionBoundary({ view }: { view: View }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { t } = useTranslation();
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ctx = sizedContext(el, SIZE, SIZE);
    if (!ctx) return;
    const [x0, x1] = [view.x_range[0] ?? 0, view.x_range[1] ?? 1];
    const [y0, y1] = [view.y_range[0] ?? 0, view.y_range[1] ?? 1];
    const n = view.resolution;
    const cell = SIZE / n;
    ctx.clearRect(0, 0, SIZE, SIZE);
    for (let row = 0; row < n; row += 1) {
      for (let col = 0; col < n; col += 1) {
        const cls = view.predicted[row]?.[col] ?? 0;
        const conf = view.confidence[row]?.[col] ?? 0;
        const [r, g, b] = hexRgb(seriesColor(cls));
        // Confidence 1/classes..1 maps to pale..strong.
        ctx.fillStyle = `rgba(${r}, ${g}, ${b}, ${0.08 + 0.5 * Math.max(0, Math.min(1, conf))})`;
        // Row 0 is y_range[0]: the bottom of the picture.
        ctx.fillRect(col * cell, SIZE - (row + 1) * cell, Math.ceil(cell), Math.ceil(cell));
      }
    }
    const sx = (x: number) => ((x - x0) / (x1 - x0)) * SIZE;
    const sy = (y: number) => SIZE - ((y - y0) / (y1 - y0)) * SIZE;
    for (const [x, y, cls] of view.points) {
      if (x === null || y === null) continue;
      ctx.beginPath();
      ctx.arc(sx(x), sy(y), 3.2, 0, Math.PI * 2);
      ctx.fillStyle = seriesColor(cls);
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.9)';
      ctx.stroke();
    }
  }, [view]);
  return (
    <figure className="sample-view" data-testid="decision-boundary" data-points={view.points.length} data-resolution={view.resolution}>
      <figcaption className="chart-title">{t('runs.samples.boundary.title')}</figcaption>
      <canvas ref={canvas} className="boundary-canvas" role="img" aria-label={t('runs.samples.boundary.label')} />
      <p className="muted small">
        {t('runs.samples.boundary.range', { x0: view.x_range[0], x1: view.x_range[1], y0: view.y_range[0], y1: view.y_range[1] })}
      </p>
    </figure>
  );
}
