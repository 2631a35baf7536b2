// A sweep's trials for its page: the table's order, the objective by trial with the
// best so far, the axes of the parallel-coordinates plot and the brushes drawn on them,
// and the best trials. No React here.
import type { SweepDetail, TrialRecord } from '../../api/types';

export type { SweepDetail, TrialRecord };
export type Direction = SweepDetail['direction'];

export type SortKey = 'number' | 'value' | 'status' | 'duration' | `param:${string}`;
export interface Sort {
  key: SortKey;
  descending: boolean;
}

function sortValue(t: TrialRecord, key: SortKey): number | string | null {
  if (key === 'number') return t.number;
  if (key === 'value') return t.value ?? null;
  if (key === 'status') return t.status;
  if (key === 'duration') return t.duration_s ?? null;
  const v = t.params[key.slice('param:'.length)];
  return typeof v === 'number' || typeof v === 'string' ? v : v === undefined || v === null ? null : String(v);
}

/** Trials in the table's order; trials without a value for the key go last either way. */
export function sortTrials(trials: readonly TrialRecord[], sort: Sort): TrialRecord[] {
  return [...trials].sort((a, b) => {
    const x = sortValue(a, sort.key);
    const y = sortValue(b, sort.key);
    if (x === null || y === null) return x === y ? a.number - b.number : x === null ? 1 : -1;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return (sort.descending ? -order : order) || a.number - b.number;
  });
}

export interface ObjectivePoint {
  number: number;
  value: number;
  /** The best value of this trial and every one before it. */
  best: number;
}

const better = (direction: Direction, a: number, b: number) => (direction === 'maximize' ? a > b : a < b);

/** Each complete trial's objective in trial order, with the best so far. */
export function bestSoFar(trials: readonly TrialRecord[], direction: Direction): ObjectivePoint[] {
  const points: ObjectivePoint[] = [];
  let best: number | null = null;
  for (const t of [...trials].sort((a, b) => a.number - b.number)) {
    if (t.state !== 'complete' || t.value === null || t.value === undefined) continue;
    if (best === null || better(direction, t.value, best)) best = t.value;
    points.push({ number: t.number, value: t.value, best });
  }
  return points;
}

/** The `count` best complete trials, the best first. */
export function topTrials(trials: readonly TrialRecord[], direction: Direction, count: number): TrialRecord[] {
  return trials
    .filter((t) => t.state === 'complete' && typeof t.value === 'number')
    .sort((a, b) => (direction === 'maximize' ? (b.value ?? 0) - (a.value ?? 0) : (a.value ?? 0) - (b.value ?? 0)) || a.number - b.number)
    .slice(0, count);
}

// -- parallel coordinates --------------------------------------------------------------

export interface Axis {
  key: string;
  label: string;
  /** A log scale (log-uniform parameters); categories for choices and strings. */
  scale: 'linear' | 'log' | 'category';
  min: number;
  max: number;
  categories: string[];
}

export const OBJECTIVE_AXIS = '__objective__';

type Space = Record<string, Record<string, unknown>>;

function numbersOf(values: unknown[]): number[] {
  return values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
}

/** One axis per varied path (in the space's order), then the objective. */
export function axesOf(space: Space, trials: readonly TrialRecord[], metric: string): Axis[] {
  const axes: Axis[] = Object.entries(space).map(([path, dist]) => {
    const seen = trials.map((t) => t.params[path]).filter((v) => v !== undefined);
    if ('choice' in dist) {
      const choices = (dist.choice as unknown[]).map((c) => String(c));
      return { key: path, label: path, scale: 'category', min: 0, max: Math.max(1, choices.length - 1), categories: choices };
    }
    const bounds = (dist.log_uniform ?? dist.uniform ?? dist.int) as [number, number] | undefined;
    const numbers = numbersOf(seen);
    const min = Math.min(bounds?.[0] ?? Infinity, ...numbers);
    const max = Math.max(bounds?.[1] ?? -Infinity, ...numbers);
    return { key: path, label: path, scale: 'log_uniform' in dist ? 'log' : 'linear', min, max, categories: [] };
  });
  const values = numbersOf(trials.map((t) => t.value));
  axes.push({
    key: OBJECTIVE_AXIS,
    label: metric,
    scale: 'linear',
    min: values.length ? Math.min(...values) : 0,
    max: values.length ? Math.max(...values) : 1,
    categories: [],
  });
  return axes;
}

/** A value's place on its axis, 0 (bottom) to 1 (top); null when it has none. */
export function position(axis: Axis, value: unknown): number | null {
  if (axis.scale === 'category') {
    const i = axis.categories.indexOf(String(value));
    if (i < 0) return null;
    return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (axis.max === axis.min) return 0.5;
  if (axis.scale === 'log' && axis.min > 0 && value > 0) {
    return (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min));
  }
  return (value - axis.min) / (axis.max - axis.min);
}

/** The value at a place on the axis (for the brush's labels). */
export function valueAt(axis: Axis, at: number): number | string {
  if (axis.scale === 'category') return axis.categories[Math.round(at * (axis.categories.length - 1))] ?? '';
  if (axis.scale === 'log' && axis.min > 0) return Math.exp(Math.log(axis.min) + at * (Math.log(axis.max) - Math.log(axis.min)));
  return axis.min + at * (axis.max - axis.min);
}

export function trialValue(trial: TrialRecord, axis: Axis): unknown {
  return axis.key === OBJECTIVE_AXIS ? trial.value : trial.params[axis.key];
}

/** A brushed span of an axis, as positions 0..1 (lo <= hi). */
export type Brushes = Record<string, [number, number]>;

/** The trials inside every brush (a trial without a value on a brushed axis is out). */
export function brushed(trials: readonly TrialRecord[], axes: readonly Axis[], brushes: Brushes): TrialRecord[] {
  const active = axes.flatMap((a) => {
    const span = brushes[a.key];
    return span ? [{ axis: a, lo: span[0], hi: span[1] }] : [];
  });
  return trials.filter((t) =>
    active.every(({ axis, lo, hi }) => {
      const p = position(axis, trialValue(t, axis));
      return p !== null && p >= lo - 1e-9 && p <= hi + 1e-9;
    }),
  );
}
