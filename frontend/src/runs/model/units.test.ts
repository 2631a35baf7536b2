import { describe, expect, it } from 'vitest';
import { fixedT } from '../../model/translate';
import { formatDuration, formatMetric, formatPercent, formatRate } from './units';

describe('run numbers for people', () => {
  it('formats metrics with three significant digits, small ones in exponent form', () => {
    expect(formatMetric(0.41234)).toBe('0.412');
    expect(formatMetric(2.5)).toBe('2.5');
    expect(formatMetric(0.000012)).toBe('1.2e-5');
    expect(formatMetric(0.00001)).toBe('1e-5');
    expect(formatMetric(1234.5)).toBe('1,235');
    expect(formatMetric(0)).toBe('0');
  });
  it('says when a value is missing or not finite', () => {
    expect(formatMetric(null)).toBe('–');
    expect(formatMetric(null, true)).toBe('NaN/∞');
    expect(formatMetric(Number.NaN)).toBe('NaN');
    expect(formatMetric(Number.NEGATIVE_INFINITY)).toBe('−∞');
  });
  it('formats shares, durations and rates', () => {
    expect(formatPercent(0.1234)).toBe('12%');
    expect(formatPercent(0.004)).toBe('0.4%');
    expect(formatPercent(null)).toBe('–');
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(192)).toBe('3 min 12 s');
    expect(formatDuration(3900)).toBe('1 h 05 min');
    expect(formatDuration(null)).toBe('–');
    const zh = fixedT('zh-CN');
    expect(formatDuration(42.4, zh)).toBe('42 秒');
    expect(formatDuration(192, zh)).toBe('3 分 12 秒');
    expect(formatDuration(3900, zh)).toBe('1 小时 05 分');
    expect(formatDuration(90000, zh)).toBe('1 天 1 小时');
    expect(formatRate(6120.4)).toBe('6.1K/s');
    expect(formatRate(246.2)).toBe('246/s');
  });
});
