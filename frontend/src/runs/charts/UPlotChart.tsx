// One uPlot chart, kept alive across updates: new data is handed over with setData
// (no re-creation), the size follows the container, and the person's zoom survives new
// points. Drag to zoom, wheel to zoom, shift-drag or arrow keys to pan, double-click
// or 0 to reset. A vertical line marks the timeline's cursor; red ticks at the bottom
// mark where values were not finite.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useTheme } from '../../theme';
import { drawn } from '../model/align';
import { themeColors } from './palette';

export interface Line {
  label: string;
  color: string;
  width?: number;
  dash?: number[];
  /** Draw every point as a dot besides the line (sparse curves, e.g. per epoch; a first point). */
  points?: boolean;
  alpha?: number;
  show?: boolean;
}

export interface ChartProps {
  testId: string;
  title: string;
  lines: Line[];
  /** [x, ...one array per line], x ascending. */
  data: uPlot.AlignedData;
  /** Changes whenever `data` changed (the arrays may be the same objects, grown). */
  version: string | number;
  /** What the x axis counts (whole numbers), said in the page's language. */
  xLabel: 'step' | 'epoch';
  logY?: boolean;
  height?: number;
  cursorX?: number | null;
  /** x positions to mark as non-finite. */
  marks?: readonly number[];
  /** Shown as data-points (the number of points drawn). */
  points?: number;
  formatY?: (v: number) => string;
  onDrawn?: () => void;
}

/** Tick spacings for a count axis (steps, epochs): whole numbers only. */
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

function wheelZoomAndPan(zoomed: { current: boolean }): uPlot.Plugin {
  return {
    hooks: {
      ready: (u) => {
        const over = u.over;
        over.addEventListener(
          'wheel',
          (e) => {
            e.preventDefault();
            const { min, max } = u.scales.x ?? {};
            if (min == null || max == null) return;
            const at = u.posToVal(e.offsetX, 'x');
            const factor = e.deltaY < 0 ? 0.8 : 1.25;
            zoomed.current = true;
            u.setScale('x', { min: at - (at - min) * factor, max: at + (max - at) * factor });
          },
          { passive: false },
        );
        over.addEventListener('mousedown', (e) => {
          if (!e.shiftKey) return;
          e.stopPropagation();
          const { min, max } = u.scales.x ?? {};
          if (min == null || max == null) return;
          const startX = e.clientX;
          const perPx = (max - min) / u.bbox.width * devicePixelRatio;
          const move = (m: MouseEvent) => {
            const dx = (m.clientX - startX) * perPx;
            zoomed.current = true;
            u.setScale('x', { min: min - dx, max: max - dx });
          };
          const up = () => {
            window.removeEventListener('mousemove', move);
            window.removeEventListener('mouseup', up);
          };
          window.addEventListener('mousemove', move);
          window.addEventListener('mouseup', up);
        }, true);
        over.addEventListener('dblclick', () => {
          zoomed.current = false;
        });
      },
      setSelect: (u) => {
        if (u.select.width > 0) zoomed.current = true;
      },
    },
  };
}

function overlays(state: { cursorX: number | null; marks: readonly number[] }, colors: ReturnType<typeof themeColors>): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const ctx = u.ctx;
        const { left, top, width, height } = u.bbox;
        ctx.save();
        if (state.cursorX !== null) {
          const x = u.valToPos(state.cursorX, 'x', true);
          if (x >= left && x <= left + width) {
            ctx.strokeStyle = colors.accent;
            ctx.lineWidth = 1.5 * devicePixelRatio;
            ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, top);
            ctx.lineTo(x, top + height);
            ctx.stroke();
          }
        }
        ctx.setLineDash([]);
        ctx.fillStyle = colors.error;
        for (const m of state.marks) {
          const x = u.valToPos(m, 'x', true);
          if (x >= left && x <= left + width) ctx.fillRect(x - devicePixelRatio, top + height - 8 * devicePixelRatio, 2 * devicePixelRatio, 8 * devicePixelRatio);
        }
        ctx.restore();
      },
    },
  };
}

/** On the figure, what each line puts on screen (points in view, breaks): `data-drawn`,
 * JSON, one {label, points, gaps} per line, for tests and for people debugging a chart. */
function noteDrawn(u: uPlot, el: HTMLElement | null) {
  const { min, max } = u.scales.x ?? {};
  if (!el || min == null || max == null) return;
  const xs = u.data[0] as number[];
  const lines = u.series.slice(1).map((s, i) => ({ label: s.label, ...drawn(xs, (u.data[i + 1] ?? []) as (number | null | undefined)[], min, max) }));
  el.dataset.drawn = JSON.stringify(lines);
}

export function UPlotChart(props: ChartProps) {
  const { testId, title, lines, data, version, xLabel, logY = false, height = 220, cursorX = null, marks = [], points, formatY, onDrawn } = props;
  const box = useRef<HTMLDivElement>(null);
  const figure = useRef<HTMLElement>(null);
  const plot = useRef<uPlot | null>(null);
  const zoomed = useRef(false);
  const overlay = useRef({ cursorX, marks });
  const latest = useRef({ data, onDrawn });
  const { theme } = useTheme();
  const { t } = useTranslation();
  const xName = t(`runs.chart.${xLabel}`);
  const [isZoomed, setIsZoomed] = useState(false);
  const shape = `${lines.map((l) => `${l.label}:${l.color}:${l.show ?? true}:${l.points ?? false}`).join('|')}|${logY}|${height}|${theme}`;

  useEffect(() => {
    latest.current = { data, onDrawn };
  });

  // (Re)create the chart when its shape changes: lines, log scale, theme, height.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const colors = themeColors();
    const axis = { stroke: colors.text, grid: { stroke: colors.grid, width: 1 }, ticks: { stroke: colors.grid, width: 1 } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false, setScale: true }, focus: { prox: 16 } },
      scales: {
        x: { time: false },
        y: logY ? { distr: 3, log: 10 } : { auto: true },
      },
      axes: [
        { ...axis, label: xName, labelSize: 20, size: 36, incrs: INTEGER_STEPS },
        { ...axis, size: 56, values: formatY ? (_u, ticks) => ticks.map((t) => (t == null ? '' : formatY(t))) : undefined },
      ],
      series: [
        { label: xName },
        ...lines.map((l) => ({
          label: l.label,
          stroke: l.color,
          width: l.width ?? 1.5,
          dash: l.dash,
          alpha: l.alpha,
          show: l.show ?? true,
          // null breaks the line (not finite); undefined (no point at this x) is spanned.
          spanGaps: false,
          points: l.points ? { show: true, size: 6, fill: l.color } : { show: false },
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '–' : formatY ? formatY(v) : String(Number(v.toPrecision(4)))),
        })),
      ],
      plugins: [wheelZoomAndPan(zoomed), overlays(overlay.current, colors)],
      hooks: {
        draw: [
          (u) => {
            noteDrawn(u, figure.current);
            latest.current.onDrawn?.();
          },
        ],
        setScale: [
          (_u, key) => {
            if (key === 'x') setIsZoomed(zoomed.current);
          },
        ],
      },
    };
    const u = new uPlot(opts, latest.current.data, el);
    plot.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      plot.current = null;
    };
    // `shape` stands for lines, logY, height, theme, xName and formatY's identity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, xName]);

  useEffect(() => {
    plot.current?.setData(data, !zoomed.current);
    // `data` arrays grow in place; `version` says when.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [version, shape]);

  useEffect(() => {
    overlay.current.cursorX = cursorX;
    overlay.current.marks = marks;
    const u = plot.current;
    // Only a chart whose scales are set can redraw (an empty one has no axes yet).
    if (u && u.scales.x?.min != null && u.data[0].length) u.redraw(false, true);
  }, [cursorX, marks]);

  const reset = () => {
    const u = plot.current;
    if (!u) return;
    zoomed.current = false;
    u.setData(latest.current.data, true);
    setIsZoomed(false);
  };

  const onKey = (e: KeyboardEvent) => {
    const u = plot.current;
    const { min, max } = u?.scales.x ?? {};
    if (!u || min == null || max == null) return;
    const span = max - min;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-span * 0.2, -span * 0.2],
      ArrowRight: [span * 0.2, span * 0.2],
      '+': [span * 0.2, -span * 0.2],
      '=': [span * 0.2, -span * 0.2],
      '-': [-span * 0.25, span * 0.25],
    };
    if (e.key === '0' || e.key === 'Escape') {
      reset();
      e.preventDefault();
      return;
    }
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    zoomed.current = true;
    u.setScale('x', { min: min + move[0], max: max + move[1] });
  };

  return (
    <figure ref={figure} className="chart" data-testid={testId} data-points={points} data-zoomed={isZoomed || undefined}>
      <figcaption className="chart-title">
        <span>{title}</span>
        {isZoomed && (
          <button className="link chart-reset" onClick={reset} data-testid={`${testId}-reset`}>
            {t('runs.chart.resetZoom')}
          </button>
        )}
      </figcaption>
      <div
        className="chart-plot"
        ref={box}
        tabIndex={0}
        role="img"
        aria-label={t('runs.chart.keys', { title })}
        onKeyDown={onKey}
      />
    </figure>
  );
}
