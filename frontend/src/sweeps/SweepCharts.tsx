// The sweep page's plots, in SVG: the objective by trial with the best so far, the
// parallel-coordinates plot (drag along an axis to keep the trials in that span), and
// the parameters' importance.
import { useRef, useState, type PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMetric } from '../runs/model/units';
import { useWidth } from '../runs/useWidth';
import {
  bestSoFar,
  position,
  trialValue,
  valueAt,
  type Axis,
  type Brushes,
  type Direction,
  type TrialRecord,
} from './model/trials';

const W = 560;
const H = 220;
const PAD = { left: 48, right: 16, top: 14, bottom: 28 };

const short = (v: unknown) => (typeof v === 'number' ? formatMetric(v) : String(v));

export function ObjectiveChart({ trials, direction, metric }: { trials: TrialRecord[]; direction: Direction; metric: string }) {
  const { t } = useTranslation();
  const points = bestSoFar(trials, direction);
  const last = Math.max(1, ...trials.map((t) => t.number));
  const values = points.map((p) => p.value);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const span = hi - lo || 1;
  const x = (n: number) => PAD.left + (n / last) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - lo) / span) * (H - PAD.top - PAD.bottom);
  const best = points
    .map((p, i) => {
      const next = points[i + 1];
      return `${i === 0 ? 'M' : 'L'}${x(p.number)},${y(p.best)}${next ? ` H${x(next.number)}` : ''}`;
    })
    .join(' ');
  return (
    <figure className="sweep-figure" data-testid="objective-chart" data-points={points.length}>
      <figcaption>
        {t('editor.sweepCharts.byTrial', { metric })} <span className="legend-best">{t('editor.sweepCharts.bestSoFar')}</span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('editor.sweepCharts.objectiveLabel', { metric })}>
        <line className="axis" x1={PAD.left} y1={H - PAD.bottom} x2={W - PAD.right} y2={H - PAD.bottom} />
        <line className="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={H - PAD.bottom} />
        <text className="tick" x={PAD.left - 6} y={y(hi) + 4} textAnchor="end">
          {formatMetric(hi)}
        </text>
        <text className="tick" x={PAD.left - 6} y={y(lo) + 4} textAnchor="end">
          {formatMetric(lo)}
        </text>
        <text className="tick" x={PAD.left} y={H - 8}>
          {t('editor.sweepCharts.firstTrial')}
        </text>
        <text className="tick" x={W - PAD.right} y={H - 8} textAnchor="end">
          {last}
        </text>
        {best && <path className="best-line" d={best} data-testid="best-line" />}
        {points.map((p) => (
          <circle key={p.number} className="trial-dot" cx={x(p.number)} cy={y(p.value)} r={4}>
            <title>{t('editor.sweepCharts.trialValue', { number: p.number, value: formatMetric(p.value) })}</title>
          </circle>
        ))}
      </svg>
    </figure>
  );
}

const PC_H = 260;
const SNAP = 0.03;
const PC_PAD = { top: 22, bottom: 30, side: 60 };

export function ParallelCoords({
  trials,
  axes,
  brushes,
  onBrush,
  highlight,
}: {
  trials: TrialRecord[];
  axes: Axis[];
  brushes: Brushes;
  onBrush: (key: string, span: [number, number] | null) => void;
  highlight: Set<number>;
}) {
  const { t } = useTranslation();
  const svg = useRef<SVGSVGElement>(null);
  const [box, boxWidth] = useWidth<HTMLElement>();
  const [drag, setDrag] = useState<{ key: string; from: number; to: number } | null>(null);
  // Drawn at its pixel size (text stays readable); wider than the page scrolls.
  const width = Math.max(boxWidth - 18, axes.length * 140, 320);
  const step = axes.length > 1 ? (width - 2 * PC_PAD.side) / (axes.length - 1) : 0;
  const ax = (i: number) => PC_PAD.side + i * step;
  const inner = PC_H - PC_PAD.top - PC_PAD.bottom;
  const y = (p: number) => PC_PAD.top + (1 - p) * inner;

  const at = (e: PointerEvent) => {
    const box = svg.current?.getBoundingClientRect();
    if (!box) return 0;
    const py = ((e.clientY - box.top) / box.height) * PC_H;
    return Math.min(1, Math.max(0, 1 - (py - PC_PAD.top) / inner));
  };
  const down = (key: string) => (e: PointerEvent) => {
    (e.target as Element).setPointerCapture?.(e.pointerId);
    const p = at(e);
    setDrag({ key, from: p, to: p });
  };
  const move = (e: PointerEvent) => drag && setDrag({ ...drag, to: at(e) });
  const up = () => {
    if (!drag) return;
    // Within a few pixels of an end is that end: a drag from the top keeps the top.
    const lo = Math.min(drag.from, drag.to) < SNAP ? 0 : Math.min(drag.from, drag.to);
    const hi = Math.max(drag.from, drag.to) > 1 - SNAP ? 1 : Math.max(drag.from, drag.to);
    onBrush(drag.key, hi - lo < 0.02 ? null : [lo, hi]); // a click clears the axis
    setDrag(null);
  };

  const line = (trial: TrialRecord) => {
    const parts: string[] = [];
    axes.forEach((a, i) => {
      const p = position(a, trialValue(trial, a));
      if (p !== null) parts.push(`${parts.length ? 'L' : 'M'}${ax(i)},${y(p)}`);
    });
    return parts.join(' ');
  };

  return (
    <figure ref={box} className="sweep-figure wide" data-testid="parallel-coords">
      <figcaption>{t('editor.sweepCharts.parallel')}</figcaption>
      <svg ref={svg} className="pixel-size" width={width} height={PC_H} viewBox={`0 0 ${width} ${PC_H}`} onPointerMove={move} onPointerUp={up} onPointerLeave={up} role="img" aria-label={t('editor.sweepCharts.parallelLabel')}>
        {trials.map((trial) => (
          <path
            key={trial.number}
            className={`pc-line state-${trial.state}${highlight.has(trial.number) ? ' kept' : ' dimmed'}`}
            d={line(trial)}
            data-testid={`pc-line-${trial.number}`}
            data-kept={highlight.has(trial.number)}
          >
            <title>{t('editor.sweepCharts.trialNumber', { number: trial.number })}</title>
          </path>
        ))}
        {axes.map((a, i) => {
          const brush: [number, number] | undefined = drag?.key === a.key ? [Math.min(drag.from, drag.to), Math.max(drag.from, drag.to)] : brushes[a.key];
          return (
            <g key={a.key} className="pc-axis" data-testid={`pc-axis-${i}`} data-key={a.key}>
              <line x1={ax(i)} x2={ax(i)} y1={PC_PAD.top} y2={PC_H - PC_PAD.bottom} />
              <text className="tick" x={ax(i)} y={12} textAnchor="middle">
                {a.label.length > 28 ? `…${a.label.slice(-27)}` : a.label}
              </text>
              <text className="tick" x={ax(i) + 6} y={PC_PAD.top + 4}>
                {short(valueAt(a, 1))}
              </text>
              <text className="tick" x={ax(i) + 6} y={PC_H - PC_PAD.bottom}>
                {short(valueAt(a, 0))}
              </text>
              {brush && (
                <rect
                  className="pc-brush"
                  x={ax(i) - 8}
                  width={16}
                  y={y(brush[1])}
                  height={Math.max(2, y(brush[0]) - y(brush[1]))}
                  data-testid={`pc-brush-${i}`}
                  data-span={`${brush[0].toFixed(3)} ${brush[1].toFixed(3)}`}
                />
              )}
              <rect
                className="pc-hit"
                x={ax(i) - 14}
                width={28}
                y={PC_PAD.top}
                height={inner}
                onPointerDown={down(a.key)}
                data-testid={`pc-hit-${i}`}
              >
                <title>{t('editor.sweepCharts.dragTitle', { label: a.label })}</title>
              </rect>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

export function Importance({ importance }: { importance: Record<string, number> | null | undefined }) {
  const { t } = useTranslation();
  const entries = Object.entries(importance ?? {}).sort((a, b) => b[1] - a[1]);
  return (
    <figure className="sweep-figure" data-testid="importance">
      <figcaption>{t('editor.sweepCharts.importance')}</figcaption>
      {entries.length === 0 ? (
        <p className="muted small">{t('editor.sweepCharts.importanceEmpty')}</p>
      ) : (
        <ul className="importance">
          {entries.map(([path, share]) => (
            <li key={path}>
              <span className="mono small">{path}</span>
              <span className="bar" style={{ width: `${Math.max(2, share * 100)}%` }} />
              <span className="num small">{(share * 100).toFixed(0)}%</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
