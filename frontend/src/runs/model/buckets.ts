// Squeezing a long row of values into the pixels a heatmap has: each bucket shows its
// largest value (a spike stays visible) and a non-finite value wins over everything
// (a NaN must never hide behind its neighbours).

/** Index ranges [start, end) of `buckets` equal buckets over `n` items (n <= buckets: one each). */
export function bucketRanges(n: number, buckets: number): [number, number][] {
  const count = Math.max(0, Math.min(n, Math.floor(buckets)));
  const out: [number, number][] = [];
  for (let b = 0; b < count; b += 1) out.push([Math.floor((b * n) / count), Math.floor(((b + 1) * n) / count)]);
  return out;
}

export function bucketMax(values: readonly (number | null)[], buckets: number): (number | null)[] {
  return bucketRanges(values.length, buckets).map(([start, end]) => {
    let best: number | null = null;
    for (let i = start; i < end; i += 1) {
      const v = values[i];
      if (v === null || v === undefined) continue;
      if (Number.isNaN(v) || !Number.isFinite(v)) return Number.NaN;
      if (best === null || v > best) best = v;
    }
    return best;
  });
}
