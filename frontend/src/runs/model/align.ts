// Curves with their own x values put on one shared x axis (what uPlot draws): the union
// of the x values, each curve null where it has no point.
import type { Series } from './series';

export type Aligned = [number[], ...(number | null)[][]];

export function align(series: readonly Pick<Series, 'x' | 'y'>[]): Aligned {
  const xs = [...new Set(series.flatMap((s) => s.x))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = series.map((s) => {
    const out = new Array<number | null>(xs.length).fill(null);
    s.x.forEach((x, i) => (out[index.get(x)!] = s.y[i] ?? null));
    return out;
  });
  return [xs, ...ys];
}
