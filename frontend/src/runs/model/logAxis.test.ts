import { describe, expect, it } from 'vitest';
import { logAxis, logShare, powerLabel } from './logAxis';

describe('logAxis', () => {
  it('spans whole decades from the one below the smallest value to the largest', () => {
    const axis = logAxis([2e-3, 0.5, null, 0, Number.NaN, Infinity]);
    expect([axis.lo, axis.hi]).toEqual([-3, 0]);
    expect(axis.ticks.map((t) => t.label)).toEqual(['10⁻³', '0.01', '0.1', '1']);
    expect(axis.ticks.map((t) => t.at)).toEqual([0, 1 / 3, 2 / 3, 1]);
  });

  it('gives the smallest value a bar even at a power of ten, and the largest at most the whole', () => {
    const axis = logAxis([1e-3, 1e-3]);
    expect([axis.lo, axis.hi]).toEqual([-4, -3]);
    expect(logShare(axis, 1e-3)).toBe(1);
    expect(logShare(axis, 3e-4)).toBeGreaterThan(0);
  });

  it('labels at most six powers of ten however wide the span', () => {
    const axis = logAxis([1e-9, 1e3]);
    expect(axis.ticks.length).toBeLessThanOrEqual(6);
    expect(axis.ticks[0]!.exponent).toBe(axis.lo);
    expect(axis.ticks.every((t) => t.at >= 0 && t.at <= 1)).toBe(true);
  });

  it('has a default span before anything positive is measured, and a floor', () => {
    expect(logAxis([]).ticks.length).toBeGreaterThan(1);
    expect(logAxis([null, 0]).lo).toBeLessThan(logAxis([null, 0]).hi);
    expect(logAxis([1e-30, 1]).lo).toBe(-12);
  });
});

describe('logShare', () => {
  const axis = logAxis([1e-4, 1]);
  it('places values by their decade, clamped to the axis', () => {
    expect(logShare(axis, 1e-2)).toBeCloseTo(0.6);
    expect(logShare(axis, 1e-9)).toBe(0);
    expect(logShare(axis, 0)).toBe(0);
    expect(logShare(axis, 1e6)).toBe(1);
    expect(logShare(axis, Number.NaN)).toBe(1);
  });
});

describe('powerLabel', () => {
  it('writes small powers plainly and others as 10 to a superscript', () => {
    expect([-2, -1, 0, 1, 2].map(powerLabel)).toEqual(['0.01', '0.1', '1', '10', '100']);
    expect(powerLabel(-12)).toBe('10⁻¹²');
    expect(powerLabel(3)).toBe('10³');
  });
});
