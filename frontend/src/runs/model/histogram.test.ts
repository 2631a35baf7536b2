import { describe, expect, it } from 'vitest';
import { histogramGrid, normalized, rebin, spanOf } from './histogram';

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((x, y) => x + y, 0);

describe('histogram binning', () => {
  it('finds the span covering every histogram, skipping unknown edges', () => {
    expect(spanOf([{ low: -1, high: 1, counts: [1] }, { low: 0, high: 3, counts: [1] }, { low: null, high: 2, counts: [] }, null])).toEqual({ lo: -1, hi: 3 });
    expect(spanOf([{ low: 2, high: 2, counts: [5] }])).toEqual({ lo: 1.5, hi: 2.5 });
    expect(spanOf([])).toBeNull();
  });

  it('keeps a histogram as it is on its own span', () => {
    const h = { low: 0, high: 4, counts: [1, 2, 3, 4] };
    expect(Array.from(rebin(h, { lo: 0, hi: 4 }, 4))).toEqual([1, 2, 3, 4]);
  });

  it('spreads a bin over the target bins it overlaps, conserving the total', () => {
    const h = { low: 0, high: 2, counts: [4, 8] };
    const out = rebin(h, { lo: 0, hi: 2 }, 4);
    expect(Array.from(out)).toEqual([2, 2, 4, 4]);
    const wider = rebin(h, { lo: -2, hi: 2 }, 2);
    expect(Array.from(wider)).toEqual([0, 12]);
    expect(sum(rebin({ low: -0.3, high: 1.7, counts: [3, 1, 4, 1, 5] }, { lo: -1, hi: 2 }, 7))).toBeCloseTo(14, 10);
  });

  it('sends what lies outside the span to the edge bins', () => {
    const out = rebin({ low: -10, high: 10, counts: [5, 5] }, { lo: -1, hi: 1 }, 2);
    expect(Array.from(out)).toEqual([5, 5]);
  });

  it('puts a point mass (all values equal) in one bin', () => {
    const out = rebin({ low: 0, high: 0, counts: [0, 7, 0] }, { lo: -1, hi: 1 }, 4);
    expect(Array.from(out)).toEqual([0, 0, 7, 0]);
  });

  it('returns nothing for unknown edges, and normalizes columns to their peak', () => {
    expect(sum(rebin({ low: null, high: 1, counts: [3] }, { lo: 0, hi: 1 }, 3))).toBe(0);
    expect(Array.from(normalized([1, 4, 2]))).toEqual([0.25, 1, 0.5]);
    expect(Array.from(normalized([0, 0]))).toEqual([0, 0]);
  });

  it('builds heatmap columns on one shared span', () => {
    const grid = histogramGrid([{ low: 0, high: 1, counts: [1, 1] }, null, { low: 1, high: 2, counts: [2, 0] }], 4);
    expect(grid.span).toEqual({ lo: 0, hi: 2 });
    expect(Array.from(grid.columns[0]!)).toEqual([1, 1, 0, 0]);
    expect(grid.columns[1]).toBeNull();
    expect(Array.from(grid.columns[2]!)).toEqual([0, 0, 1, 0]);
  });
});
