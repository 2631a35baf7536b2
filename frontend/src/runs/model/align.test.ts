import { describe, expect, it } from 'vitest';
import { align } from './align';

describe('aligning curves', () => {
  it('puts curves on the union of their x values, null where a curve has no point', () => {
    expect(align([{ x: [1, 3], y: [10, 30] }, { x: [2, 3], y: [0.2, null] }])).toEqual([
      [1, 2, 3],
      [10, null, 30],
      [null, 0.2, null],
    ]);
    expect(align([])).toEqual([[]]);
  });
});
