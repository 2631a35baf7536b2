import { describe, expect, it } from 'vitest';
import { runsEn } from '../../i18n/sections/runs.en';
import { CLASS_POSITION, densityColor, gradClass, gradColor, gradLabel, gradRgb, gradStrip, NO_DATA, SCALE_RANGE } from './colors';
import { fixedT, inEnglish } from '../../model/translate';

const channels = (position: number) => gradRgb(position)!;

function hue([r, g, b]: readonly number[]): number {
  const max = Math.max(r!, g!, b!);
  const min = Math.min(r!, g!, b!);
  if (max === min) return 0;
  const d = max - min;
  const h = max === r ? ((g! - b!) / d + 6) % 6 : max === g ? (b! - r!) / d + 2 : (r! - g!) / d + 4;
  return h * 60;
}

/** Which channel dominates: blue (cool), green (healthy) or red (hot). */
function dominant(c: readonly number[]): 'blue' | 'green' | 'red' {
  const [r, g, b] = c as [number, number, number];
  return b > r && b > g ? 'blue' : g > r && g > b ? 'green' : 'red';
}

describe('the gradient health scale', () => {
  it('classifies positions: the thresholds at -1 and +1, NaN not finite, null none', () => {
    expect(gradClass(-3)).toBe('vanishing');
    expect(gradClass(-1)).toBe('vanishing');
    expect(gradClass(-0.999)).toBe('healthy');
    expect(gradClass(0)).toBe('healthy');
    expect(gradClass(0.999)).toBe('healthy');
    expect(gradClass(1)).toBe('exploding');
    expect(gradClass(Number.NaN)).toBe('nonfinite');
    expect(gradClass(null)).toBe('none');
  });

  it('is cool for vanishing, green for healthy, hot for exploding, right up to each threshold', () => {
    for (let u = -4; u <= 4; u += 0.01) {
      const kind = gradClass(u);
      const expected = kind === 'vanishing' ? 'blue' : kind === 'healthy' ? 'green' : 'red';
      expect(dominant(channels(u)), `position ${u}`).toBe(expected);
    }
  });

  it('turns steadily from blue through green to red (hue falls)', () => {
    let previous = Infinity;
    for (let u = -3; u <= 3; u += 0.05) {
      const h = hue(channels(u));
      expect(h).toBeLessThanOrEqual(previous + 1);
      previous = h;
    }
  });

  it('gives CSS colours, grey for no data and the hot end for NaN', () => {
    expect(gradColor(null)).toBe(NO_DATA);
    expect(gradColor(0.1)).toMatch(/^rgb\(\d+, \d+, \d+\)$/);
    expect(dominant(channels(Number.NaN))).toBe('red');
    expect(gradColor(2)).not.toBe(gradColor(-2));
  });

  it('has a colour per class for swatches, and a legend strip over its range', () => {
    expect(gradClass(CLASS_POSITION.vanishing)).toBe('vanishing');
    expect(gradClass(CLASS_POSITION.healthy)).toBe('healthy');
    expect(gradClass(CLASS_POSITION.exploding)).toBe('exploding');
    expect(SCALE_RANGE[0]).toBeLessThan(CLASS_POSITION.vanishing);
    expect(SCALE_RANGE[1]).toBeGreaterThan(CLASS_POSITION.exploding);
    expect(gradStrip()).toMatch(/^linear-gradient\(to right, rgb\(.*0\.00%.*100\.00%\)$/);
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

describe('gradient classes in words', () => {
  it('says each class in either language, the English table from the same source', () => {
    for (const kind of ['none', 'vanishing', 'healthy', 'exploding', 'nonfinite'] as const) expect(gradLabel(kind, inEnglish)).toBe(runsEn.grad.class[kind]);
    expect(gradLabel('vanishing', fixedT('zh-CN'))).toBe('梯度消失');
    expect(gradLabel('exploding', fixedT('zh-CN'))).toBe('梯度爆炸');
  });
});
