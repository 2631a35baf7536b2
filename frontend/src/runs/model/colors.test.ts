import { describe, expect, it } from 'vitest';
import { densityColor, EXPLODING, gradClass, gradColor, gradRgb, NO_DATA, VANISHING } from './colors';

const channels = (norm: number) => gradRgb(norm)!;

function hue([r, g, b]: readonly number[]): number {
  const max = Math.max(r!, g!, b!);
  const min = Math.min(r!, g!, b!);
  if (max === min) return 0;
  const d = max - min;
  const h = max === r ? ((g! - b!) / d + 6) % 6 : max === g ? (b! - r!) / d + 2 : (r! - g!) / d + 4;
  return h * 60;
}

describe('the gradient health scale', () => {
  it('classifies norms: vanishing, healthy, exploding, not finite, none', () => {
    expect(gradClass(1e-6)).toBe('vanishing');
    expect(gradClass(VANISHING * 2)).toBe('healthy');
    expect(gradClass(0.3)).toBe('healthy');
    expect(gradClass(EXPLODING * 2)).toBe('exploding');
    expect(gradClass(Number.NaN)).toBe('nonfinite');
    expect(gradClass(Number.POSITIVE_INFINITY)).toBe('nonfinite');
    expect(gradClass(null, true)).toBe('nonfinite');
    expect(gradClass(null)).toBe('none');
    expect(gradClass(0)).toBe('vanishing');
  });

  it('is cool for vanishing, green for healthy, hot for exploding', () => {
    const [r1, g1, b1] = channels(1e-6);
    expect(b1).toBeGreaterThan(r1);
    expect(b1).toBeGreaterThan(g1);
    const [r2, g2, b2] = channels(0.1);
    expect(g2).toBeGreaterThan(r2);
    expect(g2).toBeGreaterThan(b2);
    const [r3, g3, b3] = channels(1e4);
    expect(r3).toBeGreaterThan(g3);
    expect(r3).toBeGreaterThan(b3);
  });

  it('turns steadily from blue through green to red as the norm grows (hue falls)', () => {
    let previous = Infinity;
    for (let e = -8; e <= 4; e += 0.25) {
      const h = hue(channels(10 ** e));
      expect(h).toBeLessThanOrEqual(previous + 1);
      previous = h;
    }
  });

  it('gives CSS colours, grey for no data and the hot end for NaN', () => {
    expect(gradColor(null)).toBe(NO_DATA);
    expect(gradColor(0.1)).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
    expect(gradColor(Number.NaN)).toBe(gradColor(1, true));
    expect(gradColor(1e9)).not.toBe(gradColor(1e-9));
  });
});

describe('the density scale', () => {
  it('is transparent for nothing and more opaque for more', () => {
    expect(densityColor(0)).toBe('rgba(0, 0, 0, 0)');
    const alpha = (s: string) => Number(/,\s*([\d.]+)\)$/.exec(s)?.[1] ?? '1');
    expect(alpha(densityColor(0.1))).toBeLessThan(alpha(densityColor(0.5)));
    expect(densityColor(1)).toMatch(/^rgb\(/);
    expect(densityColor(2)).toBe(densityColor(1));
  });
});
