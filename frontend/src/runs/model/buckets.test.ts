import { describe, expect, it } from 'vitest';
import { bucketMax, bucketRanges } from './buckets';

describe('heatmap buckets', () => {
  it('splits n items into equal ranges, one item each when they fit', () => {
    expect(bucketRanges(3, 10)).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(bucketRanges(10, 3)).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(bucketRanges(0, 5)).toEqual([]);
  });
  it('keeps the largest value of a bucket, nulls where it has none', () => {
    expect(bucketMax([1, 5, 2, null, null, null, 3, 1, 0], 3)).toEqual([5, null, 3]);
  });
  it('lets a non-finite value win its bucket', () => {
    const out = bucketMax([1, Number.NaN, 2, 4], 2);
    expect(out[0]).toBeNaN();
    expect(out[1]).toBe(4);
  });
});
