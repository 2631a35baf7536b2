// A curve that grows at its end: x ascending, y a number or null (missing, or not
// finite: the server sends null and flags the key). A run resumed from a checkpoint
// replays steps it had reported before; the replayed point and everything after it
// replace the old ones, so x stays ascending (uPlot needs that) and the curve shows
// the run's actual history.

export type Y = number | null;

export class Series {
  readonly x: number[] = [];
  readonly y: Y[] = [];
  /** x of the points whose value was not finite. */
  readonly nonfinite: number[] = [];
  /** Bumped whenever points were dropped: incremental caches must restart. */
  generation = 0;

  get length(): number {
    return this.x.length;
  }

  push(x: number, y: Y, flagged = false): void {
    const last = this.x[this.x.length - 1];
    if (last !== undefined && x <= last) this.truncateFrom(x);
    this.x.push(x);
    this.y.push(y !== null && Number.isFinite(y) ? y : null);
    if (flagged || (y !== null && !Number.isFinite(y))) this.nonfinite.push(x);
  }

  /** Drop the points at x >= `x`. */
  truncateFrom(x: number): void {
    const keep = lowerBound(this.x, x);
    if (keep >= this.x.length) return;
    this.x.length = keep;
    this.y.length = keep;
    let n = this.nonfinite.length;
    while (n > 0 && this.nonfinite[n - 1]! >= x) n -= 1;
    this.nonfinite.length = n;
    this.generation += 1;
  }

  /** The value at the last point with x <= `at` (the latest when `at` is null). */
  at(at: number | null): Y {
    const i = at === null ? this.x.length - 1 : upperBound(this.x, at) - 1;
    return i >= 0 ? (this.y[i] ?? null) : null;
  }

  last(): Y {
    return this.at(null);
  }

  /** Smallest and largest finite y (null when there is none). */
  best(maximize: boolean): { x: number; y: number } | null {
    let found: { x: number; y: number } | null = null;
    for (let i = 0; i < this.y.length; i += 1) {
      const y = this.y[i];
      if (y === null || y === undefined) continue;
      if (!found || (maximize ? y > found.y : y < found.y)) found = { x: this.x[i]!, y };
    }
    return found;
  }
}

/** First index with xs[i] >= x. */
export function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with xs[i] > x. */
export function upperBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
