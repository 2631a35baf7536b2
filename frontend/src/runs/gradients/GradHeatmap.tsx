// Gradient flow over time: one row per layer (network order), one column per sampled
// step (squeezed into the pixels there are), coloured by the gradient health scale.
import { useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useMeta } from '../../store/meta';
import { bucketMax, bucketRanges } from '../model/buckets';
import { GRAD_LABEL, gradClass, gradColor } from '../model/colors';
import { extremePosition } from '../model/gradScale';
import { formatMetric } from '../model/units';
import { focusNode, gradPositions, runData, setCursor, useRun } from '../store';
import { sizedContext, useWidth } from '../useWidth';

const ROW = 18;
const NAMES = 110;

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
  const rule = useMeta((s) => s.meta?.gradients ?? null);
  const table = runData().grads;
  const positions = gradPositions(rule);
  const plotWidth = Math.max(0, width - NAMES);
  const columns = Math.min(table.length, plotWidth);
  const ranges = useMemo(
    () => bucketRanges(table.length, columns),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [table.length, columns, version],
  );

  useEffect(() => {
    const el = canvas.current;
    if (!el || !plotWidth) return;
    const height = Math.max(ROW, table.layers.length * ROW);
    const ctx = sizedContext(el, plotWidth, height);
    if (!ctx) return;
    ctx.clearRect(0, 0, plotWidth, height);
    const cell = columns ? plotWidth / columns : 0;
    // Each cell: the step of its range furthest from healthy (a NaN wins).
    if (positions) {
      table.layers.forEach((layer, row) => {
        const column = positions.column(layer);
        ranges.forEach(([a, b], col) => {
          const p = extremePosition(column.slice(a, b));
          if (p === null) return;
          ctx.fillStyle = gradColor(p);
          ctx.fillRect(col * cell, row * ROW + 1, Math.ceil(cell), ROW - 2);
        });
      });
    }
    if (cursor !== null && table.length) {
      const i = table.rowAt(cursor);
      const col = ranges.findIndex(([a, b]) => i >= a && i < b);
      if (col >= 0) {
        ctx.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue('--text') || '#000';
        ctx.lineWidth = 2;
        ctx.strokeRect(col * cell + 1, 0, Math.max(2, cell - 2), height);
      }
    }
  }, [version, plotWidth, columns, cursor, table, ranges, positions]);

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
    const steps = a === b - 1 ? `step ${table.steps[a]}` : `steps ${table.steps[a]}–${table.steps[b - 1]}`;
    setHover({ x: hit.x, y: hit.y, text: `${hit.layer} · ${steps} · ‖∇‖ ${formatMetric(v)} (${GRAD_LABEL[v === null ? 'none' : gradClass(p)]})` });
  };

  const onClick = (e: MouseEvent) => {
    const hit = at(e);
    if (!hit) return;
    setCursor(table.steps[hit.range[1] - 1] ?? null);
    focusNode(hit.layer.split('.')[0] ?? hit.layer);
  };

  if (!table.length) return <p className="muted chart-empty">Gradient norms appear after the first sampled step.</p>;
  return (
    <figure className="chart heatmap" data-testid="grad-heatmap" data-layers={table.layers.length} data-steps={table.length}>
      <figcaption className="chart-title">Gradient norm per layer over time ({table.length.toLocaleString('en-US')} samples)</figcaption>
      <div className="heatmap-body" ref={box}>
        <ol className="heatmap-names" style={{ width: NAMES }}>
          {table.layers.map((layer) => (
            <li key={layer} style={{ height: ROW }} title={layer}>
              {layer}
            </li>
          ))}
        </ol>
        <div className="heatmap-plot">
          <canvas ref={canvas} onMouseMove={onMove} onMouseLeave={() => setHover(null)} onClick={onClick} aria-label="Gradient norm heatmap: layers by steps" role="img" />
          {hover && (
            <div className="tooltip" style={{ left: Math.min(hover.x + 12, plotWidth - 240), top: hover.y + 14 }} data-testid="grad-heatmap-tooltip">
              {hover.text}
            </div>
          )}
        </div>
      </div>
      <div className="heatmap-axis muted">
        <span>step {table.steps[0]}</span>
        <span>step {table.steps[table.length - 1]}</span>
      </div>
    </figure>
  );
}
