import { describe, expect, it } from 'vitest';
import { lowerBound, Series, upperBound } from './series';

describe('a growing series', () => {
  it('appends points and reads the value at or before a step', () => {
    const s = new Series();
    s.push(10, 1);
    s.push(20, 0.5);
    s.push(30, 0.25);
    expect(s.at(25)).toBe(0.5);
    expect(s.at(30)).toBe(0.25);
    expect(s.at(5)).toBeNull();
    expect(s.last()).toBe(0.25);
    expect(s.best(false)).toEqual({ x: 30, y: 0.25 });
    expect(s.best(true)).toEqual({ x: 10, y: 1 });
  });

  it('keeps non-finite values as gaps and remembers where they were', () => {
    const s = new Series();
    s.push(1, 0.5);
    s.push(2, null, true);
    s.push(3, Number.NaN);
    expect(s.y).toEqual([0.5, null, null]);
    expect(s.nonfinite).toEqual([2, 3]);
    expect(s.best(false)).toEqual({ x: 1, y: 0.5 });
  });

  it('replaces replayed steps after a resume, keeping x ascending', () => {
    const s = new Series();
    for (const x of [10, 20, 30, 40]) s.push(x, x);
    s.push(40, null, true);
    const generation = s.generation;
    s.push(25, -1);
    expect(s.x).toEqual([10, 20, 25]);
    expect(s.y).toEqual([10, 20, -1]);
    expect(s.nonfinite).toEqual([]);
    expect(s.generation).toBeGreaterThan(generation);
  });

  it('binary-searches sorted steps', () => {
    const xs = [1, 3, 3, 5];
    expect(lowerBound(xs, 3)).toBe(1);
    expect(upperBound(xs, 3)).toBe(3);
    expect(lowerBound(xs, 9)).toBe(4);
    expect(upperBound(xs, 0)).toBe(0);
  });
});
