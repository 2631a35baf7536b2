import { describe, expect, it } from 'vitest';
import { align, drawn } from './align';

describe('aligning curves', () => {
  it('puts curves on the union of their x values, undefined where a curve has no point', () => {
    expect(align([{ x: [1, 3], y: [10, 30] }, { x: [2, 3], y: [0.2, null] }])).toEqual([
      [1, 2, 3],
      [10, undefined, 30],
      [undefined, 0.2, null],
    ]);
    expect(align([])).toEqual([[]]);
  });

  it('draws a fork and its source whole: no break where the other has a point', () => {
    // The source reports every 2 steps, the fork (from step 4) every 3.
    const source = { x: [2, 4, 6, 8, 10, 12], y: [6, 5, 4, 3, 2, 1] };
    const fork = { x: [7, 10, 13], y: [3.5, 2.5, 1.5] };
    const [xs, a, b] = align([source, fork]);
    expect(drawn(xs, a!, -Infinity, Infinity)).toEqual({ points: 6, gaps: 0 });
    expect(drawn(xs, b!, -Infinity, Infinity)).toEqual({ points: 3, gaps: 0 });
  });

  it('counts a non-finite value as a break, and only points in view', () => {
    const [xs, a] = align([{ x: [1, 2, 3, 4], y: [1, null, 3, 4] }]);
    expect(drawn(xs, a!, -Infinity, Infinity)).toEqual({ points: 3, gaps: 1 });
    expect(drawn(xs, a!, 3, 4)).toEqual({ points: 2, gaps: 0 });
  });
});
