import { describe, expect, it } from 'vitest';
import { etaSeconds, fractionDone, stepRate } from './progress';

describe('progress', () => {
  it('gives the share done, clamped, or null without a total', () => {
    expect(fractionDone(30, 120)).toBe(0.25);
    expect(fractionDone(200, 120)).toBe(1);
    expect(fractionDone(3, null)).toBeNull();
    expect(fractionDone(3, 0)).toBeNull();
  });

  it('reads the step rate over the recent window only', () => {
    const marks = [
      { time: 0, step: 0 },
      { time: 100, step: 10 }, // a slow start, long ago
      { time: 110, step: 110 },
      { time: 120, step: 210 },
    ];
    expect(stepRate(marks)).toBeCloseTo(10, 10);
    expect(stepRate([{ time: 1, step: 1 }])).toBeNull();
    expect(stepRate([])).toBeNull();
  });

  it('estimates the time left, 0 when done, null when unknown', () => {
    const marks = [
      { time: 10, step: 100 },
      { time: 20, step: 200 },
    ];
    expect(etaSeconds(marks, 1000)).toBeCloseTo(80, 10);
    expect(etaSeconds([{ time: 5, step: 1000 }], 1000)).toBe(0);
    expect(etaSeconds(marks, null)).toBeNull();
    expect(etaSeconds([{ time: 5, step: 10 }, { time: 5, step: 10 }], 100)).toBeNull();
  });
});
