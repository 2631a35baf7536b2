// Curves with their own x values put on one shared x axis (what uPlot draws): the union
// of the x values, each curve `undefined` where it has no point. uPlot draws a line across
// undefined (the curve was not sampled there) but breaks it at null (the value was not
// finite), so every curve is drawn whole however the x values interleave: a fork beside
// its source, runs reporting every step beside runs reporting every tenth.
import type { Series } from './series';

export type Aligned = [number[], ...(number | null | undefined)[][]];

export function align(series: readonly Pick<Series, 'x' | 'y'>[]): Aligned {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const out = new Array<number | null | undefined>(xs.length).fill(undefined);
    s.x.forEach((x, i) => (out[index.get(x)!] = s.y[i] ?? null));
    return out;
  });
  return [xs, ...ys];
}

export interface Drawn {
  /** Points with a value inside [min, max]. */
  points: number;
  /** Breaks in the line between its first and last point (runs of null). */
  gaps: number;
}

/** What one aligned curve puts on screen between x = min and max. */
export function drawn(xs: readonly number[], ys: readonly (number | null | undefined)[], min: number, max: number): Drawn {
  let points = 0;
  let gaps = 0;
  let seen = false;
  let inGap = false;
  ys.forEach((y, i) => {
    const x = xs[i]!;
    if (x < min || x > max || y === undefined) return;
    if (y === null) {
      if (seen && !inGap) inGap = true;
      return;
    }
    if (inGap) gaps += 1;
    inGap = false;
    seen = true;
    points += 1;
  });
  return { points, gaps };
}
