import { describe, expect, it } from 'vitest';
import { Ema, smooth, SmoothedCurve } from './smoothing';

describe('smoothing', () => {
  it('keeps the raw curve at weight 0', () => {
    expect(smooth([3, 1, 2], 0)).toEqual([3, 1, 2]);
  });

  it('is debiased: a constant curve stays constant from the first point', () => {
    for (const v of smooth([2, 2, 2, 2], 0.9)) expect(v).toBeCloseTo(2, 10);
  });

  it('follows a step slowly, more slowly for a larger weight', () => {
    const raw = [1, 1, 1, 1, 0, 0, 0, 0];
    const light = smooth(raw, 0.5);
    const heavy = smooth(raw, 0.9);
    expect(light[4]).toBeCloseTo(0.5 * 1 * (1 - 0.5 ** 4) / (1 - 0.5 ** 5), 10);
    expect(heavy[7]!).toBeGreaterThan(light[7]!);
    expect(light[7]!).toBeLessThan(0.1);
  });

  it('leaves missing and non-finite values missing and carries on', () => {
    const out = smooth([1, null, Number.NaN, Number.POSITIVE_INFINITY, 1], 0.5);
    expect(out[1]).toBeNull();
    expect(out[2]).toBeNull();
    expect(out[3]).toBeNull();
    expect(out[4]).toBeCloseTo(1, 10);
  });

  it('refuses a weight that would never move', () => {
    expect(() => new Ema(1)).toThrow(RangeError);
    expect(() => new Ema(-0.1)).toThrow(RangeError);
  });
});

describe('a smoothed growing curve', () => {
  it('extends incrementally and equals smoothing the whole curve', () => {
    const curve = new SmoothedCurve();
    const values: (number | null)[] = [5, 4, 3];
    expect(curve.update(values, 0.5)).toEqual(smooth(values, 0.5));
    values.push(2, null, 1);
    expect(curve.update(values, 0.5)).toEqual(smooth(values, 0.5));
  });
  it('starts over for a new weight or a curve that lost points', () => {
    const curve = new SmoothedCurve();
    curve.update([1, 2, 3], 0.5);
    expect(curve.update([1, 2, 3], 0)).toEqual([1, 2, 3]);
    expect(curve.update([9, 9], 0, 1)).toEqual([9, 9]);
    expect(curve.update([9, 9, 7], 0, 2)).toEqual([9, 9, 7]);
  });
});
