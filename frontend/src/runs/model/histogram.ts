// Histograms of one layer's outputs over time, on one value axis: each sampled step has
// its own range (low..high, 32 bins), so before they can stand side by side in a
// heatmap they are re-binned onto a shared range, mass conserved (a bin's count is
// spread evenly over its width; what falls outside the shared range goes to the edge).

export interface Hist {
  low: number | null;
  high: number | null;
  counts: readonly number[];
}

export interface Span {
  lo: number;
  hi: number;
}

/** The range covering every histogram with finite edges; null when none has any. */
export function spanOf(hists: Iterable<Hist | null | undefined>): Span | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of hists) {
    if (!h || h.low === null || h.high === null || !Number.isFinite(h.low) || !Number.isFinite(h.high)) continue;
    lo = Math.min(lo, h.low);
    hi = Math.max(hi, h.high);
  }
  if (lo === Infinity) return null;
  if (hi <= lo) return { lo: lo - 0.5, hi: lo + 0.5 };
  return { lo, hi };
}

/** `h`'s counts on `bins` equal bins over `span`; the total count is kept. */
export function rebin(h: Hist, span: Span, bins: number): Float64Array {
  const out = new Float64Array(bins);
  const n = h.counts.length;
  if (!n || h.low === null || h.high === null || !Number.isFinite(h.low) || !Number.isFinite(h.high)) return out;
  const width = (span.hi - span.lo) / bins;
  const at = (x: number) => Math.min(bins - 1, Math.max(0, Math.floor((x - span.lo) / width)));
  const srcWidth = (h.high - h.low) / n;
  for (let i = 0; i < n; i += 1) {
    const count = h.counts[i] ?? 0;
    if (!count) continue;
    const a = h.low + i * srcWidth;
    const b = a + srcWidth;
    if (srcWidth <= 0) {
      out[at(a)]! += count; // a point mass: every value was the same
      continue;
    }
    const first = at(a);
    const last = at(b - srcWidth * 1e-9);
    if (first === last) {
      out[first]! += count;
      continue;
    }
    for (let j = first; j <= last; j += 1) {
      const lo = j === 0 ? Math.min(a, span.lo) : span.lo + j * width;
      const hi = j === bins - 1 ? Math.max(b, span.hi) : span.lo + (j + 1) * width;
      const overlap = Math.min(b, hi) - Math.max(a, lo);
      if (overlap > 0) out[j]! += (count * overlap) / srcWidth;
    }
  }
  return out;
}

/** Counts scaled to [0, 1] by the column's largest bin (each step's shape, not its size). */
export function normalized(counts: ArrayLike<number>): Float64Array {
  let max = 0;
  for (let i = 0; i < counts.length; i += 1) max = Math.max(max, counts[i] ?? 0);
  const out = new Float64Array(counts.length);
  if (max <= 0) return out;
  for (let i = 0; i < counts.length; i += 1) out[i] = (counts[i] ?? 0) / max;
  return out;
}

/** Columns (one per histogram, oldest first) on a shared span: what the heatmap draws. */
export function histogramGrid(hists: readonly (Hist | null)[], bins: number): { span: Span | null; columns: (Float64Array | null)[] } {
  const span = spanOf(hists);
  if (!span) return { span: null, columns: hists.map(() => null) };
  return { span, columns: hists.map((h) => (h ? normalized(rebin(h, span, bins)) : null)) };
}
